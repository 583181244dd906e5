import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apiToGraph, graphToApi, isApiPrompt, toGraph, widgetValues } from '../src/lib/convert.js';
import { parseObjectInfo } from '../src/lib/nodedefs.js';

// Node definitions of the sample workflow's nodes, in /object_info's shape.
const defs = parseObjectInfo({
  LoadImage: { input: { required: { image: [['mosaic.png', 'other.png']] } }, output: ['IMAGE', 'MASK'], output_name: ['IMAGE', 'MASK'], display_name: 'Load Image', category: 'image' },
  PrimitiveInt: { input: { required: { value: ['INT', { default: 0, min: -100, max: 100000 }] } }, output: ['INT'], display_name: 'Int', category: 'utils/primitive' },
  ImageScale: {
    input: { required: { image: ['IMAGE'], upscale_method: [['nearest-exact', 'lanczos']], width: ['INT', { default: 512 }], height: ['INT', { default: 512 }], crop: [['disabled', 'center']] } },
    input_order: { required: ['image', 'upscale_method', 'width', 'height', 'crop'] },
    output: ['IMAGE'], display_name: 'Upscale Image', category: 'image/upscaling',
  },
  SaveImage: { input: { required: { images: ['IMAGE'], filename_prefix: ['STRING', { default: 'Tessera' }] } }, output: [], output_node: true, display_name: 'Save Image', category: 'image' },
  PreviewImage: { input: { required: { images: ['IMAGE'] } }, output: [], output_node: true, display_name: 'Preview Image', category: 'image' },
});

const SAMPLE = JSON.parse(readFileSync(new URL('../../sample-workflows/image-roundtrip.json', import.meta.url), 'utf8'));

/** The API form without _meta titles, which the editor may name differently. */
const strip = (prompt) => Object.fromEntries(Object.entries(prompt).map(([id, n]) => [id, { class_type: n.class_type, inputs: n.inputs }]));

test('API JSON of the sample workflow survives API -> litegraph -> API', () => {
  const graph = apiToGraph(SAMPLE, defs);
  assert.equal(graph.nodes.length, 5);
  assert.equal(graph.links.length, 4);
  assert.deepEqual(strip(graphToApi(graph, defs)), strip(SAMPLE));
  // Titles that differ from the display name are kept.
  assert.equal(graphToApi(graph, defs)['2']._meta.title, 'Width');
});

test('litegraph JSON: links become [source id, output index], widgets become literals', () => {
  // Written as litegraph 0.4 serialises it: node 3's width is a widget input linked from node 2.
  const graph = {
    last_node_id: 3, last_link_id: 2, version: 0.4, groups: [], config: {}, extra: {},
    nodes: [
      { id: 1, type: 'LoadImage', mode: 0, inputs: [{ name: 'image', type: 'COMBO', link: null, widget: { name: 'image' } }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }, { name: 'MASK', type: 'MASK', links: [] }], widgets_values: ['other.png'] },
      { id: 2, type: 'PrimitiveInt', mode: 0, inputs: [{ name: 'value', type: 'INT', link: null, widget: { name: 'value' } }], outputs: [{ name: 'INT', type: 'INT', links: [2] }], widgets_values: [300] },
      { id: 3, type: 'ImageScale', title: 'Scale', mode: 0,
        inputs: [{ name: 'image', type: 'IMAGE', link: 1 }, { name: 'upscale_method', type: 'COMBO', link: null, widget: { name: 'upscale_method' } }, { name: 'width', type: 'INT', link: 2, widget: { name: 'width' } }, { name: 'height', type: 'INT', link: null, widget: { name: 'height' } }, { name: 'crop', type: 'COMBO', link: null, widget: { name: 'crop' } }],
        outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [] }], widgets_values: ['lanczos', 512, 0, 'center'] },
    ],
    links: [[1, 1, 0, 3, 0, 'IMAGE'], [2, 2, 0, 3, 2, 'INT']],
  };
  assert.deepEqual(graphToApi(graph, defs), {
    1: { class_type: 'LoadImage', inputs: { image: 'other.png' }, _meta: { title: 'Load Image' } },
    2: { class_type: 'PrimitiveInt', inputs: { value: 300 }, _meta: { title: 'Int' } },
    3: { class_type: 'ImageScale', inputs: { image: ['1', 0], upscale_method: 'lanczos', width: ['2', 0], height: 0, crop: 'center' }, _meta: { title: 'Scale' } },
  });
});

test('muted nodes are left out, bypassed nodes pass their input through, reroutes are followed', () => {
  const graph = {
    nodes: [
      { id: 1, type: 'LoadImage', mode: 0, inputs: [], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }], widgets_values: ['mosaic.png'] },
      { id: 2, type: 'ImageScale', mode: 4, inputs: [{ name: 'image', type: 'IMAGE', link: 1 }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [2] }], widgets_values: ['lanczos', 1, 1, 'disabled'] },
      { id: 5, type: 'Reroute', mode: 0, inputs: [{ name: '', type: '*', link: 2 }], outputs: [{ name: '', type: 'IMAGE', links: [3, 4] }] },
      { id: 3, type: 'SaveImage', mode: 0, inputs: [{ name: 'images', type: 'IMAGE', link: 3 }], outputs: [], widgets_values: ['x'] },
      { id: 4, type: 'PreviewImage', mode: 2, inputs: [{ name: 'images', type: 'IMAGE', link: 4 }], outputs: [] },
    ],
    links: [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 5, 0, 'IMAGE'], [3, 5, 0, 3, 0, 'IMAGE'], [4, 5, 0, 4, 0, 'IMAGE']],
  };
  assert.deepEqual(strip(graphToApi(graph, defs)), {
    1: { class_type: 'LoadImage', inputs: { image: 'mosaic.png' } },
    3: { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'x' } },
  });
});

test('an unknown node type is an error naming the node', () => {
  assert.throws(() => graphToApi({ nodes: [{ id: 7, type: 'Nope', title: 'Mine', inputs: [], outputs: [] }], links: [] }, defs),
    /node 7 \('Mine'\): the server has no node type 'Nope'/);
  assert.throws(() => apiToGraph({ 9: { class_type: 'Nope', inputs: {} } }, defs), /API workflow node 9: the server has no node type 'Nope'/);
  assert.throws(() => apiToGraph({ 1: { class_type: 'SaveImage', inputs: { images: ['4', 0] } } }, defs),
    /node 1 input 'images': links to node 4, which does not exist/);
  assert.throws(() => apiToGraph({ 1: { class_type: 'LoadImage', inputs: {} }, 2: { class_type: 'SaveImage', inputs: { images: ['1', 5] } } }, defs),
    /node 2 input 'images': node 1 has no output 5/);
});

test('layout puts each node right of the nodes it reads from', () => {
  const graph = apiToGraph(SAMPLE, defs);
  const x = Object.fromEntries(graph.nodes.map((n) => [n.id, n.pos[0]]));
  assert.ok(x[1] < x[3] && x[2] < x[3] && x[3] < x[4] && x[1] < x[5], JSON.stringify(x));
  // Linked widget inputs keep the default as their (unused) widget value.
  const scale = graph.nodes.find((n) => n.id === 3);
  assert.deepEqual(scale.widgets_values, ['lanczos', 512, 0, 'disabled']);
  assert.equal(scale.inputs.find((i) => i.name === 'width').link !== null, true);
});

test('format detection', () => {
  assert.equal(isApiPrompt(SAMPLE), true);
  assert.equal(isApiPrompt({ nodes: [], links: [] }), false);
  assert.equal(isApiPrompt({}), false);
  const ui = { nodes: [], links: [] };
  assert.equal(toGraph(ui, defs, 'x.json'), ui);
  assert.throws(() => toGraph({ hello: 1 }, defs, 'x.json'), /x.json: neither litegraph workflow JSON/);
});

test("ComfyUI's control_after_generate value after a seed is dropped, other values are kept", () => {
  const ksampler = parseObjectInfo({
    KSampler: {
      input: { required: { model: ['MODEL'], seed: ['INT', { default: 0 }], steps: ['INT', { default: 20 }], cfg: ['FLOAT', { default: 8 }], sampler_name: [['euler', 'ddim']], scheduler: [['normal', 'karras']], denoise: ['FLOAT', { default: 1 }] } },
      input_order: { required: ['model', 'seed', 'steps', 'cfg', 'sampler_name', 'scheduler', 'denoise'] },
      output: ['LATENT'],
    },
  }).get('KSampler');
  // As ComfyUI's editor saves a KSampler.
  assert.deepEqual(widgetValues(ksampler, [42, 'randomize', 10, 7.5, 'euler', 'normal', 1]), [42, 10, 7.5, 'euler', 'normal', 1]);
  assert.deepEqual(widgetValues(ksampler, [42, 10, 7.5, 'euler', 'normal', 1]), [42, 10, 7.5, 'euler', 'normal', 1]);
  assert.deepEqual(widgetValues(ksampler, { seed: 1 }), { seed: 1 });
  const graph = { nodes: [{ id: 5, type: 'KSampler', inputs: [{ name: 'model', type: 'MODEL', link: null }], outputs: [], widgets_values: [42, 'fixed', 10, 7.5, 'ddim', 'karras', 0.5] }], links: [] };
  assert.deepEqual(graphToApi(graph, ksampler ? new Map([['KSampler', ksampler]]) : defs)['5'].inputs,
    { seed: 42, steps: 10, cfg: 7.5, sampler_name: 'ddim', scheduler: 'karras', denoise: 0.5 });
});
