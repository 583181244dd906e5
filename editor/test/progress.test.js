import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionTracker, promptErrors, viewUrl, withoutSubject } from '../src/lib/progress.js';

// The messages ComfyUI (and Tessera's server) send for one prompt, in order.
const RUN = [
  { type: 'status', data: { status: { exec_info: { queue_remaining: 1 } }, sid: 'c1' } },
  { type: 'execution_start', data: { prompt_id: 'p1', timestamp: 1 } },
  { type: 'execution_cached', data: { nodes: ['1'], prompt_id: 'p1', timestamp: 2 } },
  { type: 'executing', data: { node: '3', display_node: '3', prompt_id: 'p1' } },
  { type: 'progress', data: { value: 2, max: 8, prompt_id: 'p1', node: '3' } },
  { type: 'executing', data: { node: '4', display_node: '4', prompt_id: 'p1' } },
  { type: 'executed', data: { node: '4', display_node: '4', prompt_id: 'p1', output: { images: [{ filename: 'a_00001_.png', subfolder: '', type: 'output' }] } } },
];

test('a run: cached, running with progress, executed with images, success', () => {
  const t = new ExecutionTracker();
  t.begin('p1', ['1', '3', '4']);
  for (const m of RUN.slice(0, 5)) t.handle(m);
  assert.equal(t.queueRemaining, 1);
  assert.equal(t.status, 'running');
  assert.deepEqual(t.nodes.get('1'), { state: 'cached' });
  assert.deepEqual(t.nodes.get('3'), { state: 'running', value: 2, max: 8 });
  assert.deepEqual(t.nodes.get('4'), { state: 'queued' });
  for (const m of RUN.slice(5)) t.handle(m);
  assert.deepEqual(t.nodes.get('4'), { state: 'done' });
  assert.deepEqual(t.images.get('4'), [{ filename: 'a_00001_.png', subfolder: '', type: 'output' }]);
  assert.equal(t.finished, false);
  t.handle({ type: 'executing', data: { node: null, prompt_id: 'p1' } });
  assert.equal(t.status, 'success');
  assert.equal(t.finished, true);
});

test('messages that arrive before the /prompt answer are replayed; a node is done when the next one starts', () => {
  const t = new ExecutionTracker();
  t.handle({ type: 'execution_start', data: { prompt_id: 'fast' } });
  t.handle({ type: 'executing', data: { node: '1', prompt_id: 'fast' } });
  t.handle({ type: 'executing', data: { node: '2', prompt_id: 'fast' } });
  t.handle({ type: 'executing', data: { node: '9', prompt_id: 'someone-else' } });
  t.begin('fast', ['1', '2', '3']);
  assert.equal(t.status, 'running');
  assert.deepEqual(Object.fromEntries(t.nodes), { 1: { state: 'done' }, 2: { state: 'running' }, 3: { state: 'queued' } });
  assert.deepEqual(t.early, []);
});

test("other prompts' messages are ignored", () => {
  const t = new ExecutionTracker();
  t.begin('p1', ['3']);
  assert.equal(t.handle({ type: 'executing', data: { node: '3', prompt_id: 'other' } }), false);
  assert.deepEqual(t.nodes.get('3'), { state: 'queued' });
});

test('an execution error marks its node and names it', () => {
  const t = new ExecutionTracker();
  t.begin('p2', ['5']);
  t.handle({ type: 'execution_error', data: { prompt_id: 'p2', node_id: '5', node_type: 'LoadImage', exception_type: 'IllegalArgumentException', exception_message: 'no such file: x.png' } });
  assert.equal(t.status, 'error');
  assert.equal(t.error, 'node 5 (LoadImage): IllegalArgumentException: no such file: x.png');
  assert.deepEqual(t.nodes.get('5'), { state: 'error', message: 'no such file: x.png' });
});

test('view URLs and /prompt validation errors', () => {
  assert.equal(viewUrl({ filename: 'a b.png', subfolder: 'sub', type: 'temp' }), 'view?filename=a+b.png&subfolder=sub&type=temp');
  const body = {
    error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '' },
    node_errors: { 3: { errors: [{ type: 'value_bigger_than_max', message: 'Value 99999 bigger than max of 16384', details: 'width', extra_info: { input_name: 'width' } }], class_type: 'ImageScale' } },
  };
  assert.deepEqual(promptErrors(body, (id) => `node ${id} (Upscale)`), [
    'Prompt outputs failed validation',
    "node 3 (Upscale) input 'width': Value 99999 bigger than max of 16384",
  ]);
  assert.deepEqual(promptErrors({}, String), ['the server refused the prompt']);
});

test('messages that name their node and input say it once', () => {
  const body = {
    error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '' },
    node_errors: { 3: { errors: [{ type: 'value_smaller_than_min', message: "node 3 (KSampler) input 'steps': value 0 is smaller than the minimum 1",
      details: 'steps', extra_info: { input_name: 'steps' } }], class_type: 'KSampler' } },
  };
  assert.deepEqual(promptErrors(body, (id) => `node ${id} (Sampler)`), [
    'Prompt outputs failed validation',
    "node 3 (Sampler) input 'steps': value 0 is smaller than the minimum 1",
  ]);
  const t = new ExecutionTracker();
  t.begin('p', ['12']);
  t.handle({ type: 'execution_error', data: { prompt_id: 'p', node_id: '12', node_type: 'LoadImage', exception_type: 'NodeException',
    exception_message: "node 12 (LoadImage) input 'image': no such file x.png" } });
  assert.equal(t.error, 'node 12 (LoadImage): NodeException: no such file x.png');
  assert.equal(withoutSubject('node 1 is fine', '12'), 'node 1 is fine', 'another node is left as said');
  assert.equal(withoutSubject('node 12', '12'), 'node 12', 'nothing would be left');
});

test("image combo values name their file as ComfyUI's LoadImage reads them", async () => {
  const { inputImageUrl } = await import('../src/lib/progress.js');
  assert.equal(inputImageUrl('mosaic.png'), 'view?filename=mosaic.png&subfolder=&type=input');
  assert.equal(inputImageUrl('clips/a b.png'), 'view?filename=a+b.png&subfolder=clips&type=input');
  assert.equal(inputImageUrl('ComfyUI_00018_.png [output]'), 'view?filename=ComfyUI_00018_.png&subfolder=&type=output');
});
