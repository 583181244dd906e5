import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overallProgress, queueEntries } from '../src/lib/queue.js';

test('queue and history become one list, newest first, with images, states and workflows', () => {
  const wf = { nodes: [], links: [] };
  const queue = {
    queue_running: [[3, 'c', {}, { extra_pnginfo: { workflow: wf } }, []]],
    queue_pending: [[4, 'd', {}, {}, []], [5, 'e', {}, {}, []]],
  };
  const history = {
    a: { prompt: [1, 'a', {}, { extra_pnginfo: { workflow: wf } }, []], outputs: { 9: { images: [{ filename: 'x_00001_.png', subfolder: '', type: 'output' }] } },
      status: { status_str: 'success', completed: true, messages: [] } },
    b: { prompt: [2, 'b', {}, {}, []], outputs: {},
      status: { status_str: 'error', completed: false, messages: [['execution_error', { node_id: '3', node_type: 'KSampler', exception_message: 'boom' }]] } },
    // A prompt both running and already in the history (the answers were read at different times): listed once.
    c: { prompt: [3, 'c', {}, {}, []], outputs: {}, status: { status_str: 'error', messages: [['execution_interrupted', {}]] } },
  };
  const list = queueEntries(queue, history);
  assert.deepEqual(list.map((e) => [e.id, e.state]), [['e', 'pending'], ['d', 'pending'], ['c', 'running'], ['b', 'error'], ['a', 'success']]);
  assert.deepEqual(list.find((e) => e.id === 'a').images, [{ filename: 'x_00001_.png', subfolder: '', type: 'output' }]);
  assert.equal(list.find((e) => e.id === 'a').workflow, wf);
  assert.equal(list.find((e) => e.id === 'b').message, 'node 3 (KSampler): boom');
  assert.equal(list.find((e) => e.id === 'd').workflow, null);
  assert.deepEqual(queueEntries({}, {}), []);
  assert.equal(queueEntries({}, { z: { prompt: [1, 'z'], status: { status_str: 'error', messages: [['execution_interrupted', {}]] } } })[0].state, 'interrupted');
});

test("overall progress counts finished nodes and the running node's steps", () => {
  const nodes = new Map([['1', { state: 'cached' }], ['2', { state: 'done' }], ['3', { state: 'running', value: 5, max: 20 }], ['4', { state: 'queued' }]]);
  assert.deepEqual(overallProgress(nodes), { done: 2, total: 4, fraction: (2 + 0.25) / 4, steps: { value: 5, max: 20 }, running: '3' });
  assert.deepEqual(overallProgress(new Map()), { done: 0, total: 0, fraction: 0, steps: null, running: null });
});
