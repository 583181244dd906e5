// The editor served by `tessera serve` at /, driven in Debian's Chromium through playwright-core.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARTIFACTS, BASE, CHROMIUM, CHROMIUM_ARGS, getJson, pngSize, sampleWorkflow, waitFor, withoutMeta } from './common.mjs';

// The editor's address: the server's / unless a development server serves it (EDITOR_URL).
const EDITOR = process.env.EDITOR_URL ?? BASE.href;
let browser;
/** The problems the page reported (uncaught errors); every test ends by checking there were none. */
let pageErrors = [];

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60000 });
});

after(async () => {
  await browser?.close();
});

/** A fresh page (no saved workflow); its first-start graph is cleared unless `keep`. */
async function openEditor({ keep = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(EDITOR);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 60000 });
  if (!keep) await page.click('#clear');
  return page;
}

/** Clicks a palette entry (opening its category folders) and returns the new node's id. */
async function addFromPalette(page, type) {
  const button = page.locator(`#palette button.node[data-type="${type}"]`);
  // Open every folder on the way to the button, outermost first.
  const folders = await button.evaluate((b) => {
    const out = [];
    for (let d = b.parentElement.closest('details'); d; d = d.parentElement.closest('details')) out.unshift(d.dataset.category);
    return out;
  });
  for (const path of folders) {
    const details = page.locator(`#palette details[data-category="${path}"]`);
    if (!(await details.evaluate((d) => d.open))) await details.locator(':scope > summary').click();
  }
  const before = await page.evaluate(() => window.tessera.graph._nodes.length);
  await button.click();
  await waitFor(`${type} on the canvas`, () => page.evaluate((n) => window.tessera.graph._nodes.length === n + 1, before), 5000);
  // Widget positions are laid out when the canvas draws: let two frames pass before anyone clicks the node.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => window.tessera.graph._nodes.at(-1).id);
}

/** Drags an output onto an input; unless told the types do not match, the link must appear. */
async function connect(page, from, output, to, input, { mustLink = true } = {}) {
  const linked = () => page.evaluate(([n, i]) => {
    const node = window.tessera.graph.getNodeById(n);
    const slot = typeof i === 'number' ? node.inputs[i] : node.inputs.find((x) => x.name === i);
    return slot?.link != null;
  }, [to, input]);
  // A drag can be lost while the canvas settles (a dialog just closed, a redraw pending): try again, then say so.
  for (let attempt = 0; attempt < (mustLink ? 3 : 1); attempt++) {
    const a = await page.evaluate(([n, s]) => window.tessera.slotOnPage(n, 'output', s), [from, output]);
    const b = await page.evaluate(([n, s]) => window.tessera.slotOnPage(n, 'input', s), [to, input]);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await page.mouse.up();
    if (!mustLink || await linked()) return;
    await page.waitForTimeout(200);
  }
  assert.fail(`dragging node ${from}'s output ${output} to node ${to}'s input ${input} made no link in three tries`);
}

/** The API input `input` of node `id` as the editor would queue it. */
const apiInput = (page, id, input) => page.evaluate(async ([n, i]) => (await window.tessera.api())[n].inputs[i], [id, input]);

/** Types a value into a number or text widget through litegraph's value dialog. */
async function typeIntoWidget(page, id, name, value) {
  const at = await page.evaluate(([n, w]) => window.tessera.widgetOnPage(n, w), [id, name]);
  await page.mouse.click(at.x, at.y);
  const field = page.locator('.graphdialog input, .graphdialog textarea').first();
  await field.waitFor({ timeout: 5000 });
  await field.fill(String(value));
  await field.press('Enter');
}

/** Picks a value of a combo widget from litegraph's menu. */
async function pickInCombo(page, id, name, value) {
  const at = await page.evaluate(([n, w]) => window.tessera.widgetOnPage(n, w), [id, name]);
  await page.mouse.click(at.x, at.y);
  await page.locator('.litecontextmenu .litemenu-entry', { hasText: value }).first().click();
}

/** Builds the sample image-roundtrip workflow (nodes 1-4) with palette, mouse and widgets; returns the node ids. */
async function buildRoundtrip(page, prefix) {
  const load = await addFromPalette(page, 'LoadImage');
  const width = await addFromPalette(page, 'PrimitiveInt');
  const scale = await addFromPalette(page, 'ImageScale');
  const save = await addFromPalette(page, 'SaveImage');
  await connect(page, load, 'IMAGE', scale, 'image');
  await connect(page, width, 'INT', scale, 'width');
  await connect(page, scale, 'IMAGE', save, 'images');
  await typeIntoWidget(page, width, 'value', 256);
  await typeIntoWidget(page, scale, 'height', 0);
  await pickInCombo(page, scale, 'upscale_method', 'lanczos');
  await pickInCombo(page, load, 'image', 'mosaic.png');
  await typeIntoWidget(page, save, 'filename_prefix', prefix);
  return { load, width, scale, save };
}

test('the palette lists every node type of /object_info by category', async () => {
  const info = await getJson('object_info');
  const page = await openEditor();
  const listed = await page.$$eval('#palette button.node', (bs) => bs.map((b) => [b.dataset.type, b.textContent, b.closest('details')?.dataset.category ?? '']));
  assert.deepEqual(listed.map(([t]) => t).sort(), Object.keys(info).sort());
  for (const [type, label, category] of listed) {
    assert.equal(label, info[type].display_name, type);
    assert.equal(category, info[type].category, type);
  }
  // The filter narrows the list.
  await page.fill('#palette-filter', 'upscale');
  const filtered = await page.$$eval('#palette button.node', (bs) => bs.map((b) => b.dataset.type));
  assert.ok(filtered.includes('ImageScale') && !filtered.includes('SaveImage'), filtered.join(','));
  assert.deepEqual(pageErrors, []);
});

test('widgets follow the input types: INT bounds, COMBO values, multiline STRING, BOOLEAN toggle', async () => {
  const page = await openEditor();
  const scale = await addFromPalette(page, 'ImageScale');
  const widgets = await page.evaluate((n) => window.tessera.graph.getNodeById(n).widgets.map((w) => ({ name: w.name, type: w.type, value: w.value, min: w.options.min, max: w.options.max, values: w.options.values })), scale);
  const info = (await getJson('object_info/ImageScale')).ImageScale.input.required;
  assert.deepEqual(widgets.map((w) => [w.name, w.type]), [['upscale_method', 'combo'], ['width', 'number'], ['height', 'number'], ['crop', 'combo']]);
  assert.deepEqual(widgets[0].values, info.upscale_method[0]);
  assert.equal(widgets[1].min, info.width[1].min);
  assert.equal(widgets[1].max, info.width[1].max);
  assert.equal(widgets[1].value, info.width[1].default);
  // Typing past the maximum is clamped to it.
  await typeIntoWidget(page, scale, 'width', 99999);
  assert.equal(await apiInput(page, scale, 'width'), info.width[1].max);
  const multi = await addFromPalette(page, 'PrimitiveStringMultiline');
  assert.equal(await page.evaluate((n) => window.tessera.graph.getNodeById(n).widgets[0].options.multiline, multi), true);
  const bool = await addFromPalette(page, 'PrimitiveBoolean');
  const before = await apiInput(page, bool, 'value');
  const at = await page.evaluate((n) => window.tessera.widgetOnPage(n, 'value'), bool);
  await page.mouse.click(at.x, at.y);
  assert.equal(await apiInput(page, bool, 'value'), !before);
  assert.deepEqual(pageErrors, []);
});

test('sockets connect only when the types match', async () => {
  const page = await openEditor();
  const load = await addFromPalette(page, 'LoadImage');
  const save = await addFromPalette(page, 'SaveImage');
  await connect(page, load, 'MASK', save, 'images', { mustLink: false });
  assert.equal(await apiInput(page, save, 'images'), undefined, 'MASK must not feed IMAGE');
  await connect(page, load, 'IMAGE', save, 'images');
  assert.deepEqual(await apiInput(page, save, 'images'), [String(load), 0]);
  assert.deepEqual(pageErrors, []);
});

test('the sample workflow built in the editor runs: live node states and the output image', async () => {
  const page = await openEditor();
  const ids = await buildRoundtrip(page, 'editor-e2e');
  const sample = sampleWorkflow('image-roundtrip.json');
  const expected = { 1: sample['1'], 2: sample['2'], 3: sample['3'], 4: sample['4'] };
  expected['4'] = { ...expected['4'], inputs: { ...expected['4'].inputs, filename_prefix: 'editor-e2e' } };
  assert.deepEqual(withoutMeta(await page.evaluate(() => window.tessera.api())), withoutMeta(expected));
  assert.deepEqual(Object.values(ids), [1, 2, 3, 4]);

  // Every WebSocket message the page receives, to check what the canvas showed came from the server.
  await page.evaluate(() => {
    window.seen = [];
    const handle = window.tessera.tracker.handle.bind(window.tessera.tracker);
    window.tessera.tracker.handle = (m) => (window.seen.push(m.type + ':' + (m.data?.node ?? '')), handle(m));
  });
  await page.click('#queue');
  const img = page.locator('#images img.result').first();
  await img.waitFor({ timeout: 180000 });
  await waitFor('the result image to load', () => img.evaluate((i) => i.complete && i.naturalWidth > 0), 30000);
  assert.equal(await img.evaluate((i) => i.naturalWidth), 256);
  assert.equal(await img.evaluate((i) => i.naturalHeight), 192);
  await waitFor('the run to finish', () => page.evaluate(() => document.body.dataset.run === 'success'), 30000);
  const seen = await page.evaluate(() => window.seen);
  for (const id of ['1', '2', '3', '4']) assert.ok(seen.includes('executing:' + id) || seen.some((s) => s.startsWith('execution_cached')), `executing ${id}: ${seen}`);
  assert.ok(seen.includes('executed:4'), seen.join(' '));
  const states = await page.evaluate(() => window.tessera.graph._nodes.map((n) => n.run?.state));
  assert.deepEqual(states, ['done', 'done', 'done', 'done']);
  // The canvas shows the image on the Save Image node too.
  assert.equal(await page.evaluate((n) => window.tessera.graph.getNodeById(n).imgs.length, ids.save), 1);

  // The file behind the image: a 256x192 PNG in the output folder's listing of /view.
  const src = await img.getAttribute('src');
  assert.match(src, /^view\?filename=editor-e2e_\d+_\.png&subfolder=&type=output$/);
  const png = Buffer.from(await (await fetch(new URL(src, BASE))).arrayBuffer());
  assert.deepEqual(pngSize(png), { width: 256, height: 192 });
  writeFileSync(join(ARTIFACTS, 'editor-e2e.png'), png);
  await page.screenshot({ path: join(ARTIFACTS, 'editor-after-run.png') });
  assert.deepEqual(pageErrors, []);
});

test('a PNG the server wrote, dropped on the page, brings back its workflow', async () => {
  const png = readFileSync(join(ARTIFACTS, 'editor-e2e.png'));
  const page = await openEditor();
  assert.equal(await page.evaluate(() => window.tessera.graph._nodes.length), 0);
  await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'editor-e2e.png', { type: 'image/png' }));
    document.querySelector('#graph').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, png.toString('base64'));
  await waitFor('the dropped workflow', () => page.evaluate(() => window.tessera.graph._nodes.length === 4), 10000);
  const sample = sampleWorkflow('image-roundtrip.json');
  const api = withoutMeta(await page.evaluate(() => window.tessera.api()));
  assert.deepEqual(api['3'], withoutMeta(sample)['3']);
  assert.equal(api['4'].inputs.filename_prefix, 'editor-e2e');
  // The editor stored its own litegraph JSON in the PNG, so the layout came back as well.
  const msg = await page.locator('#messages li').first().textContent();
  assert.match(msg, /loaded editor-e2e\.png \(workflow\)/);
  assert.deepEqual(pageErrors, []);
});

test('save as litegraph JSON and API JSON, and load both back', async () => {
  const page = await openEditor();
  await buildRoundtrip(page, 'saved');
  const api = await page.evaluate(() => window.tessera.api());
  const [uiDownload] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  const ui = JSON.parse(readFileSync(await uiDownload.path(), 'utf8'));
  assert.equal(uiDownload.suggestedFilename(), 'workflow.json');
  assert.equal(ui.nodes.length, 4);
  assert.equal(ui.links.length, 3);
  const [apiDownload] = await Promise.all([page.waitForEvent('download'), page.click('#save-api')]);
  assert.deepEqual(JSON.parse(readFileSync(await apiDownload.path(), 'utf8')), api);

  for (const [name, file] of [['workflow.json', await uiDownload.path()], ['workflow_api.json', await apiDownload.path()]]) {
    await page.click('#clear');
    assert.equal(await page.evaluate(() => window.tessera.graph._nodes.length), 0);
    await page.setInputFiles('#file', { name, mimeType: 'application/json', buffer: readFileSync(file) });
    await waitFor(`${name} loaded`, () => page.evaluate(() => window.tessera.graph._nodes.length === 4), 10000);
    assert.deepEqual(withoutMeta(await page.evaluate(() => window.tessera.api())), withoutMeta(api), name);
  }
  // The sample's own API file (with its Preview Image node) loads too.
  await page.setInputFiles('#file', { name: 'image-roundtrip.json', mimeType: 'application/json', buffer: readFileSync(join(process.env.TESSERA_REPO ?? '..', 'sample-workflows/image-roundtrip.json')) });
  await waitFor('the sample loaded', () => page.evaluate(() => window.tessera.graph._nodes.length === 5), 10000);
  assert.deepEqual(withoutMeta(await page.evaluate(() => window.tessera.api())), withoutMeta(sampleWorkflow('image-roundtrip.json')));
  assert.deepEqual(pageErrors, []);
});

test('the SD1.5 sample loaded as API JSON runs with sampler progress shown on its node', async () => {
  const page = await openEditor();
  await page.setInputFiles('#file', { name: 'sd15-txt2img.json', mimeType: 'application/json', buffer: readFileSync(join(process.env.TESSERA_REPO ?? '..', 'sample-workflows/sd15-txt2img.json')) });
  await waitFor('the sample loaded', () => page.evaluate(() => window.tessera.graph._nodes.length === 7), 10000);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await typeIntoWidget(page, 5, 'steps', 4);
  assert.equal(await apiInput(page, 5, 'steps'), 4);
  // What the KSampler node showed at each progress message.
  await page.evaluate(() => {
    window.shown = [];
    const handle = window.tessera.tracker.handle.bind(window.tessera.tracker);
    window.tessera.tracker.handle = (m) => {
      const r = handle(m);
      // After the editor has applied the message to the canvas.
      if (m.type === 'progress') {
        queueMicrotask(() => {
          const run = window.tessera.graph.getNodeById(5).run;
          window.shown.push([run?.state, run?.value, run?.max]);
        });
      }
      return r;
    };
  });
  await page.click('#queue');
  await waitFor('the run to finish', () => page.evaluate(() => document.body.dataset.run === 'success' || document.body.dataset.run === 'error'), 240000);
  assert.equal(await page.evaluate(() => document.body.dataset.run), 'success', await page.locator('#messages').textContent());
  assert.deepEqual(await page.evaluate(() => window.shown), [['running', 1, 4], ['running', 2, 4], ['running', 3, 4], ['running', 4, 4]]);
  const img = page.locator('#images img.result[data-node="7"]').first();
  await waitFor('the result image to load', () => img.evaluate((i) => i.complete && i.naturalWidth > 0), 30000);
  assert.deepEqual(await img.evaluate((i) => [i.naturalWidth, i.naturalHeight]), [64, 64]);
  assert.deepEqual(pageErrors, []);
});

test('Interrupt stops a running sampler and the editor says so', async () => {
  const page = await openEditor();
  const wf = sampleWorkflow('sd15-txt2img.json');
  wf['5'].inputs.steps = 60;
  wf['5'].inputs.seed = 99;
  await page.setInputFiles('#file', { name: 'long.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(wf)) });
  await waitFor('the workflow loaded', () => page.evaluate(() => window.tessera.graph._nodes.length === 7), 10000);
  await page.click('#queue');
  await waitFor('the sampler to report a step', () => page.evaluate(() => window.tessera.tracker.nodes.get('5')?.value >= 1), 240000);
  await page.click('#interrupt');
  await waitFor('the run to end', () => page.evaluate(() => window.tessera.tracker.finished), 60000);
  assert.equal(await page.evaluate(() => document.body.dataset.run), 'interrupted');
  const steps = await page.evaluate(() => window.tessera.tracker.nodes.get('5'));
  assert.ok(steps.state === 'error' || steps.value < 60, JSON.stringify(steps));
  await page.locator('#messages li.error', { hasText: 'interrupted' }).first().waitFor({ timeout: 5000 });
  assert.deepEqual(await page.locator('#images img.result[data-node="7"]').count(), 0);
  assert.deepEqual(pageErrors, []);
});

test("LoadImage's upload button puts a file into the input folder and selects it", async () => {
  const page = await openEditor();
  const load = await addFromPalette(page, 'LoadImage');
  // A busy machine can let litegraph's click handling outlast Chromium's user activation, which a file chooser
  // needs: the click is tried up to three times.
  let chooser = null;
  for (let attempt = 0; attempt < 3 && !chooser; attempt++) {
    const at = await page.evaluate((n) => window.tessera.widgetOnPage(n, 'upload image'), load);
    [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10000 }).catch(() => null), page.mouse.click(at.x, at.y)]);
  }
  assert.ok(chooser, 'the upload button opened no file chooser in three clicks');
  const bytes = readFileSync(join(process.env.TESSERA_REPO ?? '..', 'sample-workflows/input/mosaic.png'));
  await chooser.setFiles({ name: 'uploaded-e2e.png', mimeType: 'image/png', buffer: bytes });
  await waitFor('the uploaded name in the combo', async () => (await apiInput(page, load, 'image')) === 'uploaded-e2e.png', 15000);
  const info = await getJson('object_info/LoadImage');
  assert.ok(info.LoadImage.input.required.image[0].includes('uploaded-e2e.png'), JSON.stringify(info.LoadImage.input.required.image[0]));
  const view = await fetch(new URL('view?filename=uploaded-e2e.png&type=input', BASE));
  assert.deepEqual(Buffer.from(await view.arrayBuffer()), bytes);
  assert.deepEqual(pageErrors, []);
});

test("LayoutFromJSON's box dialog draws a box into the node's layout JSON, which the server previews", async () => {
  const page = await openEditor();
  const layout = await addFromPalette(page, 'LayoutFromJSON');
  const preview = await addFromPalette(page, 'LayoutPreview');
  const save = await addFromPalette(page, 'SaveImage');
  let dialog = false;
  for (let attempt = 0; attempt < 3 && !dialog; attempt++) {
    const at = await page.evaluate((n) => window.tessera.widgetOnPage(n, 'draw boxes'), layout);
    await page.mouse.click(at.x, at.y);
    dialog = await page.locator('#layout-canvas').waitFor({ timeout: 5000 }).then(() => true, () => false);
  }
  assert.ok(dialog, 'the draw boxes button opened no dialog in three clicks');
  const box = await page.locator('#layout-canvas').boundingBox();
  // A drag from 10 % across and 20 % down to 50 % across and 80 % down.
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.8, { steps: 5 });
  await page.mouse.up();
  await page.fill('#layout-instances li:nth-child(1) input', 'a red apple');
  await page.fill('#layout-caption', 'an apple on a table');
  await page.click('#layout-apply');
  assert.equal(await page.locator('#layout-dialog').count(), 0, 'Apply closes the dialog');
  const text = await apiInput(page, layout, 'text');
  const written = JSON.parse(text);
  assert.equal(written.caption, 'an apple on a table');
  assert.deepEqual(written.instances.map((i) => i.phrase), ['a red apple']);
  const expected = [0.1, 0.2, 0.5, 0.8];
  written.instances[0].box.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 0.02, text));
  assert.equal(await apiInput(page, layout, 'format'), 'json');
  // The server reads it: LayoutFromJSON -> LayoutPreview -> SaveImage runs and shows the preview.
  await connect(page, layout, 0, preview, 'layout');
  await connect(page, preview, 0, save, 'images');
  await page.click('#queue');
  await page.locator(`#images img.result[data-node="${save}"]`).first().waitFor({ timeout: 120000 });
  assert.deepEqual(pageErrors, []);
});

test('a workflow the server refuses shows its errors by node and input', async () => {
  const page = await openEditor();
  const save = await addFromPalette(page, 'SaveImage');
  await page.click('#queue');
  const error = page.locator('#messages li.error', { hasText: `node ${save} (Save Image)` });
  await error.first().waitFor({ timeout: 30000 });
  assert.match(await error.first().textContent(), /images/);
  assert.equal(await page.evaluate((n) => window.tessera.graph.getNodeById(n).run?.state, save), 'error');
  // A file that is no workflow is refused with its name.
  await page.setInputFiles('#file', { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await page.locator('#messages li.error', { hasText: 'notes.json: neither litegraph workflow JSON' }).waitFor({ timeout: 5000 });
  assert.deepEqual(pageErrors, []);
});

const UI_WORKFLOWS = join(process.env.TESSERA_REPO ?? '..', 'bundles/graph-engine/src/test/resources/ui-workflows');

/** Loads a file through the Load button and waits for the canvas to hold `nodes` nodes. */
async function loadFile(page, path, name, nodes) {
  await page.setInputFiles('#file', { name, mimeType: 'application/json', buffer: readFileSync(path) });
  await waitFor(`${name} loaded`, () => page.evaluate((n) => window.tessera.graph._nodes.length === n, nodes), 10000);
}

test("the first start shows ComfyUI's default graph, which runs, and its seed control changes the seed", async () => {
  const page = await openEditor({ keep: true });
  const types = await page.evaluate(() => window.tessera.graph._nodes.map((n) => n.type).sort());
  assert.deepEqual(types, ['CLIPTextEncode', 'CLIPTextEncode', 'CheckpointLoaderSimple', 'EmptyLatentImage', 'KSampler', 'SaveImage', 'VAEDecode']);
  assert.equal(await page.evaluate(() => window.tessera.canvas.show_info), false, "litegraph's debug text is off");
  const control = await page.evaluate(() => window.tessera.graph.getNodeById(3).widgets.map((w) => w.name));
  assert.deepEqual(control.slice(0, 2), ['seed', 'control_after_generate']);
  const api = await page.evaluate(() => window.tessera.api());
  assert.equal(api['3'].inputs.seed, 156680208700286);
  assert.equal(api['3'].inputs.steps, 20, 'the saved control value does not shift the widgets');
  assert.equal(api['3'].inputs.control_after_generate, undefined, 'the control is not an input');
  await page.click('#queue');
  const img = page.locator('#images img.result').first();
  await img.waitFor({ timeout: 180000 });
  await waitFor('the result image to load', () => img.evaluate((i) => i.complete && i.naturalWidth > 0), 30000);
  assert.equal(await img.evaluate((i) => i.naturalWidth), 64);
  const seed = await page.evaluate(() => window.tessera.graph.getNodeById(3).widgets[0].value);
  assert.notEqual(seed, 156680208700286, 'randomize: a new seed after the queue');
  assert.deepEqual(pageErrors, []);
});

test("ComfyUI's templates load whole: notes, bypassed nodes, missing types as placeholders, subgraphs run on the server", async () => {
  const page = await openEditor();
  await loadFile(page, join(UI_WORKFLOWS, 'flux_kontext_dev_basic.json'), 'flux_kontext_dev_basic.json', 24);
  // Sockets as the definition has them: no second positive/negative/latent_image on KSampler.
  const inputs = await page.evaluate(() => window.tessera.graph.getNodeById(31).inputs.map((i) => i.name));
  assert.deepEqual(inputs, ['model', 'seed', 'steps', 'cfg', 'sampler_name', 'scheduler', 'positive', 'negative', 'latent_image', 'denoise']);
  assert.equal(await page.evaluate(() => window.tessera.graph.getNodeById(31).inputs[6].link), 57, 'positive keeps its link');
  const api = await page.evaluate(() => window.tessera.api());
  assert.deepEqual(api['31'].inputs, {
    seed: 784381637916598, steps: 20, cfg: 1, sampler_name: 'euler', scheduler: 'simple', denoise: 1,
    model: ['37', 0], positive: ['35', 0], negative: ['135', 0], latent_image: ['124', 0],
  });
  assert.equal(api['175'], undefined, 'MarkdownNote never reaches the server');
  assert.equal(api['188'], undefined, 'bypassed');
  // Every type the template uses is installed now (ImageStitch too): its widgets map by ComfyUI's rules.
  assert.equal(api['146'].class_type, 'ImageStitch');
  assert.deepEqual({ ...api['146'].inputs, image1: undefined, image2: undefined },
    { direction: 'right', match_image_size: true, spacing_width: 0, spacing_color: 'white', image1: undefined, image2: undefined });
  assert.equal(await page.locator('#messages li.warning', { hasText: 'not installed here' }).count(), 0);
  // Save keeps every node's data.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  const saved = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(saved.nodes.find((n) => n.id === 146).widgets_values, ['right', true, 0, 'white']);

  await page.click('#clear');
  await loadFile(page, join(UI_WORKFLOWS, '01_get_started_text_to_image.json'), '01_get_started_text_to_image.json', 3);
  assert.equal(await page.evaluate(() => window.tessera.graph.getNodeById(83).title), 'Subgraph: Z-Image-Turbo Text to Image');
  // The subgraph, a type the editor has no class for, stays as a placeholder node and is named (it runs on the server).
  await page.locator('#messages li.warning', { hasText: "subgraph 'Z-Image-Turbo Text to Image' (node 83, runs on the server)" }).first().waitFor({ timeout: 5000 });
  const sub = await page.evaluate(() => window.tessera.api());
  assert.deepEqual(sub['60'].inputs.images, ['83:8', 0]);
  assert.deepEqual(sub['83:3'].inputs.model, ['83:28', 0], 'the bypassed ModelSamplingAuraFlow passes the model through');
  assert.deepEqual(pageErrors, []);
});

test('keyboard: Delete, undo and redo, select all, copy and paste, bypass and mute', async () => {
  const page = await openEditor();
  const scale = await addFromPalette(page, 'ImageScale');
  const count = () => page.evaluate(() => window.tessera.graph._nodes.length);
  const at = await page.evaluate((n) => {
    const node = window.tessera.graph.getNodeById(n);
    const [ox, oy] = window.tessera.canvas.ds.convertCanvasToOffset([node.pos[0] + 40, node.pos[1] - 10]);
    const r = document.querySelector('#graph').getBoundingClientRect();
    return { x: r.left + ox, y: r.top + oy };
  }, scale);
  await page.mouse.click(at.x, at.y);
  await page.keyboard.press('Control+b');
  assert.equal(await page.evaluate((n) => window.tessera.graph.getNodeById(n).mode, scale), 4, 'Ctrl+B bypasses');
  await page.keyboard.press('Control+b');
  assert.equal(await page.evaluate((n) => window.tessera.graph.getNodeById(n).mode, scale), 0, 'and back');
  await page.keyboard.press('Control+m');
  assert.equal(await page.evaluate((n) => window.tessera.graph.getNodeById(n).mode, scale), 2, 'Ctrl+M mutes');
  await page.keyboard.press('Control+m');
  await page.keyboard.press('Delete');
  await waitFor('the node deleted', async () => (await count()) === 0, 5000);
  await page.keyboard.press('Control+z');
  await waitFor('undo brings it back', async () => (await count()) === 1, 5000);
  await page.keyboard.press('Control+Shift+z');
  await waitFor('redo deletes it again', async () => (await count()) === 0, 5000);
  await page.keyboard.press('Control+z');
  await waitFor('undo again', async () => (await count()) === 1, 5000);
  await page.mouse.click(at.x + 300, at.y + 300); // the empty canvas takes the focus
  await page.keyboard.press('Control+a');
  assert.equal(await page.evaluate(() => Object.keys(window.tessera.canvas.selected_nodes).length), 1, 'Ctrl+A selects all');
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await waitFor('the pasted copy', async () => (await count()) === 2, 5000);
  assert.deepEqual(pageErrors, []);
});

test('the queue panel lists running, pending and done prompts: cancel, images, reload; the toolbar bar counts nodes and steps', async () => {
  const page = await openEditor();
  const wf = sampleWorkflow('sd15-txt2img.json');
  wf['5'].inputs.steps = 60;
  wf['5'].inputs.seed = 4242;
  await page.setInputFiles('#file', { name: 'long.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(wf)) });
  await waitFor('the workflow loaded', () => page.evaluate(() => window.tessera.graph._nodes.length === 7), 10000);
  await page.click('#queue');
  const first = await waitFor('the first prompt followed', () => page.evaluate(() => window.tessera.tracker.promptId), 30000);
  // A second prompt (another seed, so nothing comes from the cache) waits behind the first.
  await page.evaluate(() => { window.tessera.graph.getNodeById(5).widgets.find((w) => w.name === 'seed').value = 4243; });
  await page.click('#queue');
  const second = await waitFor('the second prompt followed', () => page.evaluate((a) => {
    const id = window.tessera.tracker.promptId;
    return id !== a && id;
  }, first), 30000);
  const pending = page.locator(`#queue-list li.pending[data-prompt="${second}"]`);
  await pending.waitFor({ timeout: 30000 });
  await page.locator(`#queue-list li.running[data-prompt="${first}"]`).waitFor({ timeout: 30000 });
  await pending.locator('button', { hasText: 'cancel' }).click();
  await waitFor('the cancelled prompt gone', async () => (await page.locator(`#queue-list li[data-prompt="${second}"]`).count()) === 0, 30000);

  // The first prompt's progress in the toolbar, while its sampler runs (the tracker follows the latest prompt, so
  // follow the first again).
  await page.evaluate((id) => window.tessera.tracker.begin(id, ['1', '2', '3', '4', '5', '6', '7']), first);
  await waitFor('steps in the toolbar', () => page.evaluate(() => /\d\/7 nodes · KSampler \d+\/60 steps/.test(document.querySelector('#progress .text').textContent)), 240000);
  const done = page.locator(`#queue-list li.success[data-prompt="${first}"]`);
  await done.waitFor({ timeout: 240000 });
  await waitFor('its image in the panel', () => done.locator('.thumbs img').evaluate((i) => i.complete && i.naturalWidth === 64), 30000);
  await waitFor('the bar full', () => page.evaluate(() => document.querySelector('#progress').dataset.fraction === '1.000'), 30000);

  await page.click('#clear');
  await done.locator('button', { hasText: 'load' }).click();
  await waitFor('the past workflow loaded', () => page.evaluate(() => window.tessera.graph._nodes.length === 7), 10000);
  assert.equal(await page.evaluate(() => window.tessera.graph.getNodeById(5).widgets.find((w) => w.name === 'steps').value), 60);
  assert.deepEqual(pageErrors, []);
});

test('LoadImage shows the image it names', async () => {
  const page = await openEditor();
  const load = await addFromPalette(page, 'LoadImage');
  await pickInCombo(page, load, 'image', 'mosaic.png');
  await waitFor('the preview of mosaic.png', () => page.evaluate((n) => {
    const img = window.tessera.graph.getNodeById(n).imgs[0];
    return img && img.complete && img.naturalWidth === 128 && img.src.includes('filename=mosaic.png') && img.src.includes('type=input');
  }, load), 10000);
  assert.deepEqual(pageErrors, []);
});

test('a multi-line prompt is edited on the node: new lines, Escape puts it back, undo', async () => {
  const page = await openEditor({ keep: true });
  const clip = await page.evaluate(() => window.tessera.graph._nodes.find((n) => n.type === 'CLIPTextEncode').id);
  const before = await apiInput(page, clip, 'text');
  // The prompt shows as a box of several lines on the node, not a one-line field.
  const height = await page.evaluate((n) => {
    const node = window.tessera.graph.getNodeById(n);
    return node.widgets.find((w) => w.name === 'text').computeSize(node.size[0])[1];
  }, clip);
  assert.ok(height >= 60, `the prompt box is ${height} px high`);
  // Wait for the canvas to have laid the widgets out, then click into the prompt.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const at = await page.evaluate((n) => window.tessera.widgetOnPage(n, 'text'), clip);
  await page.mouse.click(at.x, at.y);
  const area = page.locator('textarea.prompt-editor');
  await area.waitFor({ timeout: 5000 });
  assert.equal(await page.locator('.graphdialog').count(), 0, "no litegraph one-line dialog");
  assert.equal(await area.inputValue(), before);
  await area.fill('a castle');
  await page.keyboard.press('Enter');
  await page.keyboard.type('on a hill');
  assert.equal(await area.count(), 1, 'Enter makes a new line and keeps the editor open');
  // Clicking the empty canvas keeps the text.
  await page.mouse.click(1300, 850);
  await area.waitFor({ state: 'detached', timeout: 5000 });
  assert.equal(await apiInput(page, clip, 'text'), 'a castle\non a hill');
  // Escape puts the text back as it was.
  await page.mouse.click(at.x, at.y);
  await area.waitFor({ timeout: 5000 });
  await area.fill('thrown away');
  await area.press('Escape');
  await area.waitFor({ state: 'detached', timeout: 5000 });
  assert.equal(await apiInput(page, clip, 'text'), 'a castle\non a hill');
  // The edit is one undo step.
  await page.mouse.click(1300, 850);
  await page.keyboard.press('Control+z');
  await waitFor('undo of the prompt', async () => (await apiInput(page, clip, 'text')) === before, 5000);
  assert.deepEqual(pageErrors, []);
});

test('an API workflow loads laid out: columns by dependency depth, no two nodes overlapping', async () => {
  const page = await openEditor();
  const file = join(process.env.TESSERA_REPO ?? '..', 'sample-workflows/sd15-txt2img.json');
  const count = Object.keys(JSON.parse(readFileSync(file, 'utf8'))).length;
  await loadFile(page, file, 'sd15-txt2img.json', count);
  const { rects, links } = await page.evaluate(() => {
    const { graph } = window.tessera;
    const title = 30;
    const rects = graph._nodes.map((n) => ({ id: n.id, x: n.pos[0], y: n.pos[1] - title, w: n.size[0], h: n.size[1] + title }));
    const all = typeof graph.links.values === 'function' ? [...graph.links.values()] : Object.values(graph.links);
    return { rects, links: all.map((l) => [l.origin_id, l.target_id]) };
  });
  const byId = new Map(rects.map((r) => [r.id, r]));
  for (const a of rects) {
    for (const b of rects) {
      if (a.id >= b.id) continue;
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      assert.ok(!overlap, `nodes ${a.id} and ${b.id} overlap: ${JSON.stringify([a, b])}`);
    }
  }
  for (const [from, to] of links) {
    assert.ok(byId.get(from).x + byId.get(from).w < byId.get(to).x, `the link ${from} -> ${to} runs right to left`);
  }
  // Still the same prompt.
  const api = await page.evaluate(() => window.tessera.api());
  assert.deepEqual(Object.keys(api).sort(), Object.keys(JSON.parse(readFileSync(file, 'utf8'))).sort());
  assert.deepEqual(pageErrors, []);
});

test("the box dialog opens a MIGC layout with its boxes and writes it back as MIGC, which the server reads", async () => {
  const page = await openEditor();
  const layout = await addFromPalette(page, 'LayoutFromJSON');
  const preview = await addFromPalette(page, 'LayoutPreview');
  const save = await addFromPalette(page, 'SaveImage');
  const migc = "{'prompt_final': [['a photo of a cat and a dog', 'a cat', 'a dog']], 'bboxes': [[[0.0, 0.1, 0.5, 0.9], [0.5, 0.1, 1.0, 0.9]]]}";
  await page.evaluate(([n, text]) => {
    const node = window.tessera.graph.getNodeById(n);
    node.widgets.find((w) => w.name === 'text').value = text;
    node.widgets.find((w) => w.name === 'format').value = 'migc';
  }, [layout, migc]);
  let dialog = false;
  for (let attempt = 0; attempt < 3 && !dialog; attempt++) {
    const at = await page.evaluate((n) => window.tessera.widgetOnPage(n, 'draw boxes'), layout);
    await page.mouse.click(at.x, at.y);
    dialog = await page.locator('#layout-canvas').waitFor({ timeout: 5000 }).then(() => true, () => false);
  }
  assert.ok(dialog, 'the draw boxes button opened no dialog in three clicks');
  const phrases = await page.locator('#layout-instances input').evaluateAll((xs) => xs.map((x) => x.value));
  assert.deepEqual(phrases, ['a cat', 'a dog'], 'the existing boxes are shown');
  assert.equal(await page.inputValue('#layout-caption'), 'a photo of a cat and a dog');
  assert.match(await page.locator('#layout-dialog .layout-note').textContent(), /migc/);
  const box = await page.locator('#layout-canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.7);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.95, { steps: 6 });
  await page.mouse.up();
  await page.fill('#layout-instances li:nth-child(3) input', 'a ball');
  await page.click('#layout-apply');
  const text = await apiInput(page, layout, 'text');
  const written = JSON.parse(text);
  assert.deepEqual(written.prompt_final, [['a photo of a cat and a dog', 'a cat', 'a dog', 'a ball']]);
  assert.deepEqual(written.bboxes[0].slice(0, 2), [[0, 0.1, 0.5, 0.9], [0.5, 0.1, 1, 0.9]]);
  const expected = [0.3, 0.7, 0.7, 0.95];
  written.bboxes[0][2].forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 0.02, text));
  assert.equal(await apiInput(page, layout, 'format'), 'migc', 'the format stays');
  await connect(page, layout, 0, preview, 'layout');
  await connect(page, preview, 0, save, 'images');
  await page.click('#queue');
  await page.locator(`#images img.result[data-node="${save}"]`).first().waitFor({ timeout: 120000 });
  assert.deepEqual(pageErrors, []);
});
