// Two ComfyUI client libraries from npm, unchanged, against `tessera serve`: list the nodes, queue the SD1.5 sample
// workflow (tiny random model), follow its progress over the WebSocket, fetch the image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { CallWrapper, ComfyApi, PromptBuilder } from '@saintno/comfyui-sdk';
import { Client } from '@stable-canvas/comfyui-client';
import { BASE, getJson, pngSize, sampleWorkflow } from './common.mjs';

/** The SD1.5 sample with few steps (the model is random; only the protocol is under test) and its own seed. */
function txt2img(seed, steps) {
  const wf = sampleWorkflow('sd15-txt2img.json');
  wf['5'].inputs.seed = seed;
  wf['5'].inputs.steps = steps;
  return wf;
}
const NODE_TYPES = Object.values(sampleWorkflow('sd15-txt2img.json')).map((n) => n.class_type);

test('@saintno/comfyui-sdk: node list, queue, progress over the WebSocket, image', async () => {
  // wsTimeout: the SDK reconnects (and fails the call) after 10 s without a message by default; loading a model on
  // a busy 2-core CPU can be silent for longer.
  const api = new ComfyApi(BASE.origin, 'sdk-e2e', { forceWs: true, wsTimeout: 300000 });
  try {
    await api.init(20, 500).waitForReady();
    const defs = await api.getNodeDefs();
    for (const type of NODE_TYPES) assert.ok(defs[type], `getNodeDefs lacks ${type}`);
    assert.deepEqual(defs.KSampler.output, ['LATENT']);

    const executing = [];
    api.on('executing', (ev) => executing.push(ev.detail.node));
    const steps = 3;
    const workflow = new PromptBuilder(txt2img(7031, steps), ['seed', 'steps'], ['images'])
      .setInputNode('seed', '5.inputs.seed')
      .setInputNode('steps', '5.inputs.steps')
      .setOutputNode('images', '7')
      .input('seed', 7031)
      .input('steps', steps);
    const progress = [];
    // As the SDK's README does: the result comes through onFinished (or onFailed).
    const result = await new Promise((resolve, reject) => {
      new CallWrapper(api, workflow)
        .onProgress((p) => progress.push([p.node, p.value, p.max]))
        .onFinished(resolve)
        .onFailed(reject)
        .run()
        .catch(reject);
    });
    // The sampler reports every step of node 5.
    assert.deepEqual(progress.filter(([n]) => n === '5').map(([, v, m]) => [v, m]), [[1, steps], [2, steps], [3, steps]]);
    // Nodes 1-4 may come from the cache of an earlier run; from the sampler on, the new seed makes every node run.
    for (const id of ['5', '6', '7']) assert.ok(executing.includes(id), `no executing for node ${id}: ${executing}`);

    const images = result.images.images;
    assert.equal(images.length, 1);
    assert.match(images[0].filename, /^sd15-txt2img_\d+_\.png$/);
    const blob = await api.getImage(images[0]);
    assert.deepEqual(pngSize(Buffer.from(await blob.arrayBuffer())), { width: 64, height: 64 });
    assert.equal(api.getPathImage(images[0]), `${BASE.origin}/view?filename=${images[0].filename}&type=output&subfolder=`);
  } finally {
    api.destroy();
  }
});

test('@stable-canvas/comfyui-client: node list, queue, progress over the WebSocket, image', async () => {
  const client = new Client({ api_host: BASE.host, clientId: 'stable-canvas-e2e', WebSocket, fetch });
  try {
    await client.connect({ websocket: { enabled: true } });
    const stats = await client.getSystemStats();
    assert.ok(Array.isArray(stats.devices), JSON.stringify(stats));
    const defs = await client.getNodeDefs();
    for (const type of NODE_TYPES) assert.ok(defs[type], `getNodeDefs lacks ${type}`);

    const executed = [];
    client.on('executed', (m) => executed.push(String(m.node)));
    const steps = 2;
    const progress = [];
    const out = await client.enqueue(txt2img(7032, steps), {
      progress: (p) => progress.push([String(p.node), p.value, p.max]),
      timeout_ms: 300000,
    });
    assert.deepEqual(progress.filter(([n]) => n === '5').map(([, v, m]) => [v, m]), [[1, steps], [2, steps]]);
    assert.ok(executed.includes('7'), `executed: ${executed}`);
    assert.equal(out.images.length, 1);
    const image = out.images[0];
    const bytes = image.type === 'buff' ? image.data : await (await fetch(image.data)).arrayBuffer();
    assert.deepEqual(pngSize(Buffer.from(bytes)), { width: 64, height: 64 });

    // The run is in /history with its output file, as clients that poll expect.
    assert.equal(typeof out.prompt_id, 'string');
    const history = await getJson(`history/${out.prompt_id}`);
    assert.deepEqual(history[out.prompt_id].outputs['7'].images.map((i) => i.type), ['output']);
  } finally {
    client.close();
  }
});
