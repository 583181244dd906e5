import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryTree, parseNodeInfo, parseObjectInfo, typesMatch } from '../src/lib/nodedefs.js';

// An /object_info entry in the server's shape (bundles/server ObjectInfo), written out by hand.
const IMAGE_SCALE = {
  input: {
    required: {
      image: ['IMAGE'],
      upscale_method: [['nearest-exact', 'bilinear', 'lanczos'], { default: 'bilinear' }],
      width: ['INT', { default: 512, min: 0, max: 16384, step: 1 }],
      crop: [['disabled', 'center']],
    },
    optional: {
      strength: ['FLOAT', { default: 1.0, min: -100, max: 100, step: 0.01, round: 0.001 }],
      text: ['STRING', { default: 'a cat', multiline: true }],
      enabled: ['BOOLEAN', { default: true }],
      seed: ['INT', { forceInput: true }],
    },
  },
  input_order: { required: ['image', 'upscale_method', 'width', 'crop'], optional: ['strength', 'text', 'enabled', 'seed'] },
  output: ['IMAGE', 'INT'],
  output_is_list: [false, true],
  output_name: ['IMAGE', 'count'],
  name: 'ImageScale',
  display_name: 'Upscale Image',
  description: 'Scales an image.',
  category: 'image/upscaling',
  output_node: false,
};

test('object_info entry: sockets, widgets per input type, outputs', () => {
  const def = parseNodeInfo('ImageScale', IMAGE_SCALE);
  assert.equal(def.displayName, 'Upscale Image');
  assert.equal(def.category, 'image/upscaling');
  assert.deepEqual(def.inputs.map((i) => [i.name, i.type, i.optional, i.widget?.kind ?? null]), [
    ['image', 'IMAGE', false, null],
    ['upscale_method', 'COMBO', false, 'combo'],
    ['width', 'INT', false, 'number'],
    ['crop', 'COMBO', false, 'combo'],
    ['strength', 'FLOAT', true, 'number'],
    ['text', 'STRING', true, 'text'],
    ['enabled', 'BOOLEAN', true, 'toggle'],
    ['seed', 'INT', true, null],
  ]);
  assert.deepEqual(def.inputs[1].widget, { kind: 'combo', values: ['nearest-exact', 'bilinear', 'lanczos'], default: 'bilinear' });
  assert.deepEqual(def.inputs[2].widget, { kind: 'number', type: 'INT', default: 512, min: 0, max: 16384, step: 1 });
  assert.deepEqual(def.inputs[3].widget, { kind: 'combo', values: ['disabled', 'center'], default: 'disabled' });
  assert.deepEqual(def.inputs[4].widget, { kind: 'number', type: 'FLOAT', default: 1, min: -100, max: 100, step: 0.01, round: 0.001 });
  assert.deepEqual(def.inputs[5].widget, { kind: 'text', default: 'a cat', multiline: true });
  assert.deepEqual(def.inputs[6].widget, { kind: 'toggle', default: true });
  assert.deepEqual(def.outputs, [
    { name: 'IMAGE', type: 'IMAGE', isList: false },
    { name: 'count', type: 'INT', isList: true },
  ]);
});

test('an image_upload combo says so; an empty option list is allowed', () => {
  const def = parseNodeInfo('LoadImage', { input: { required: { image: [[], { image_upload: true }] } }, output: ['IMAGE', 'MASK'] });
  assert.deepEqual(def.inputs[0].widget, { kind: 'combo', values: [], default: '', imageUpload: true });
});

test('input_order wins over the order of the input object', () => {
  const def = parseNodeInfo('T', {
    input: { required: { b: ['INT'], a: ['STRING'] } },
    input_order: { required: ['a', 'b'] },
    output: [],
  });
  assert.deepEqual(def.inputs.map((i) => i.name), ['a', 'b']);
});

test('malformed entries are rejected naming the node and the input', () => {
  assert.throws(() => parseObjectInfo([]), /\/object_info: expected an object of node types, got a list of 0/);
  assert.throws(() => parseNodeInfo('Bad', { input: { required: { x: 'INT' } } }),
    /\/object_info node 'Bad': input 'x' must be \[type, options\?\], got the string "INT"/);
  assert.throws(() => parseNodeInfo('Bad', { input: { required: { x: [42] } } }),
    /node 'Bad': input 'x' has type number 42/);
  assert.throws(() => parseNodeInfo('Bad', { input: { required: {} }, input_order: { required: ['y'] } }),
    /input_order.required names 'y', which input.required lacks/);
  assert.throws(() => parseNodeInfo('Bad', { output: 'IMAGE' }), /output must be a list of types/);
});

test('categories nest by slash and sort by display name', () => {
  const defs = [
    parseNodeInfo('B', { display_name: 'Beta', category: 'image/transform', output: [] }),
    parseNodeInfo('A', { display_name: 'Alpha', category: 'image/transform', output: [] }),
    parseNodeInfo('L', { display_name: 'Load', category: 'image', output: [] }),
    parseNodeInfo('P', { display_name: 'Int', category: 'utils/primitive', output: [] }),
    parseNodeInfo('U', { display_name: 'Loose', output: [] }),
  ];
  const tree = categoryTree(defs);
  assert.deepEqual(tree.children.map((c) => c.name), ['image', 'uncategorized', 'utils']);
  const image = tree.children[0];
  assert.deepEqual(image.nodes.map((n) => n.type), ['L']);
  assert.equal(image.children[0].path, 'image/transform');
  assert.deepEqual(image.children[0].nodes.map((n) => n.displayName), ['Alpha', 'Beta']);
  assert.equal(tree.children[2].children[0].path, 'utils/primitive');
});

test('typed sockets: only matching types connect', () => {
  assert.equal(typesMatch('IMAGE', 'IMAGE'), true);
  assert.equal(typesMatch('IMAGE', 'MASK'), false);
  assert.equal(typesMatch('INT', 'FLOAT'), false);
  assert.equal(typesMatch('LATENT', '*'), true);
  assert.equal(typesMatch('*', 'MODEL'), true);
  assert.equal(typesMatch('IMAGE,MASK', 'MASK'), true);
  assert.equal(typesMatch('CLIP', 'MODEL,VAE'), false);
  assert.equal(typesMatch('image', 'IMAGE'), true);
});
