/**
 * The editor: a litegraph canvas whose node types come from the server's /object_info, a palette by category,
 * queueing as API JSON, live progress from the WebSocket, result images, and workflows saved and loaded as
 * litegraph JSON, API JSON or a Tessera PNG.
 */
import { LGraph, LGraphCanvas, LiteGraph } from '@comfyorg/litegraph';
import '@comfyorg/litegraph/style.css';
import './style.css';
import { connectEvents, convertWorkflow, deleteQueued, getJson, interrupt, postPrompt, uploadImage } from './api.js';
import { overallProgress, queueEntries } from './lib/queue.js';
import { categoryTree, parseObjectInfo } from './lib/nodedefs.js';
import { MODE_ALWAYS, MODE_BYPASS, MODE_NEVER, graphToApi, isApiPrompt, toGraph } from './lib/convert.js';
import { columnLayout } from './lib/autolayout.js';
import { workflowFromPng } from './lib/png.js';
import { ExecutionTracker, promptErrors, viewUrl } from './lib/progress.js';
import { configureLiteGraph, hooks, registerNodeTypes } from './nodes.js';
import { openLayoutDialog } from './layoutdialog.js';
import defaultGraph from './defaultgraph.json';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const clientId = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
const STORAGE_KEY = 'tessera.workflow';

const graph = new LGraph();
const canvasEl = /** @type {HTMLCanvasElement} */ ($('graph'));
const canvas = new LGraphCanvas(canvasEl, graph);
configureLiteGraph(canvas);
const tracker = new ExecutionTracker();
/** @type {Map<string, import('./lib/nodedefs.js').NodeDef>} */
let defs = new Map();
let placed = 0;

function resize() {
  const box = $('canvas-box').getBoundingClientRect();
  canvas.resize(Math.floor(box.width), Math.floor(box.height));
}
new ResizeObserver(resize).observe($('canvas-box'));

/** A line in the results panel; errors stay visible until the next queue. */
function say(text, kind = 'info') {
  const li = document.createElement('li');
  li.textContent = text;
  li.className = kind;
  $('messages').prepend(li);
  $('status').textContent = text.split('\n')[0];
}

// ---- node types and palette -------------------------------------------------------------------------------------

async function loadNodeTypes() {
  defs = parseObjectInfo(await getJson('object_info'));
  registerNodeTypes(defs);
  renderPalette();
}

function renderPalette() {
  const filter = /** @type {HTMLInputElement} */ ($('palette-filter')).value.trim().toLowerCase();
  // A refresh keeps the folders the user opened.
  const opened = new Set([...document.querySelectorAll('#palette details[open]')].map((d) => d.dataset.category));
  const tree = categoryTree([...defs.values()].filter((d) =>
    !filter || d.displayName.toLowerCase().includes(filter) || d.type.toLowerCase().includes(filter)));
  const box = $('palette-tree');
  box.replaceChildren(...renderCategory(tree, Boolean(filter)));
  for (const d of box.querySelectorAll('details')) if (opened.has(d.dataset.category)) d.open = true;
}

function renderCategory(cat, open) {
  const out = [];
  for (const child of cat.children) {
    const details = document.createElement('details');
    details.open = open;
    details.dataset.category = child.path;
    const summary = document.createElement('summary');
    summary.textContent = child.name;
    details.append(summary, ...renderCategory(child, open));
    out.push(details);
  }
  for (const def of cat.nodes) {
    const button = document.createElement('button');
    button.className = 'node';
    button.textContent = def.displayName;
    button.title = def.description || def.type;
    button.dataset.type = def.type;
    button.addEventListener('click', () => addNode(def.type));
    out.push(button);
  }
  return out;
}

/** Where the next palette node goes: rows of three, each row below the tallest node of the one before. */
const row = { x: 0, y: 0, height: 0 };

/** Adds a node in the visible canvas: left to right in a row of three, then the next row, so none overlap. */
function addNode(type) {
  const node = LiteGraph.createNode(type);
  if (!node) throw new Error(`unknown node type ${type}`);
  // Added first: a node may size itself then (LoadImage's preview).
  graph.add(node);
  // litegraph's names are the wrong way round: convertCanvasToOffset takes screen pixels to graph units.
  const [x0, y0] = canvas.ds.convertCanvasToOffset([40, 60]);
  if (placed % 3 === 0) {
    row.y = placed === 0 || placed % 9 === 0 ? y0 : row.y + row.height + 40;
    row.x = x0;
    row.height = 0;
  }
  node.pos = [row.x, row.y];
  row.x += Math.max(300, node.size[0] + 40);
  row.height = Math.max(row.height, node.size[1] + LiteGraph.NODE_TITLE_HEIGHT);
  placed++;
  canvas.selectNode(node);
  canvas.setDirty(true, true);
  return node;
}

// ---- queue and progress -----------------------------------------------------------------------------------------

async function queue() {
  for (const n of graph._nodes) n.run = null;
  $('messages').replaceChildren();
  const workflow = workflowJson();
  let prompt;
  try {
    prompt = await apiPrompt(workflow);
  } catch (e) {
    say(e.message, 'error');
    return;
  }
  const { ok, body } = await postPrompt(prompt, clientId, workflow);
  if (ok) for (const n of graph._nodes) n.afterQueued?.();
  if (!ok) {
    for (const line of promptErrors(body, nodeName)) say(line, 'error');
    for (const id of Object.keys(body.node_errors ?? {})) {
      const node = graph.getNodeById(Number(id));
      if (node) node.run = { state: 'error', message: body.node_errors[id].errors?.[0]?.message ?? 'invalid' };
    }
    canvas.setDirty(true, false);
    return;
  }
  tracker.begin(body.prompt_id, Object.keys(prompt));
  showRunState();
  refreshQueue();
  say(`queued prompt ${body.prompt_id} (#${body.number})`);
}

/**
 * The graph as litegraph JSON, with the subgraph definitions of the workflow it was loaded from (litegraph keeps
 * subgraph instances it has no type for as placeholders, and drops their definitions).
 */
function workflowJson() {
  const w = graph.serialize();
  if (loadedDefinitions && !w.definitions?.subgraphs?.length) w.definitions = loadedDefinitions;
  return w;
}

/**
 * The API prompt of a workflow by the server's converter (the one `tessera run` uses); against a server without it
 * (ComfyUI), by the editor's own graphToApi. Its notes (node types not installed) are shown.
 */
async function apiPrompt(workflow) {
  const converted = await convertWorkflow(workflow);
  if (!converted) return graphToApi(workflow, defs);
  for (const note of converted.notes) say(note, 'warning');
  return converted.prompt;
}

function nodeName(id) {
  const node = graph.getNodeById(Number(id));
  return node ? `node ${id} (${node.title})` : `node ${id}`;
}

function onMessage(msg) {
  if (['status', 'execution_start', 'execution_success', 'execution_error', 'execution_interrupted'].includes(msg.type)) refreshQueue();
  if (!tracker.handle(msg)) {
    if (msg.type === 'status' && tracker.queueRemaining !== null && !tracker.promptId) {
      $('status').textContent = `queue: ${tracker.queueRemaining}`;
    }
    return;
  }
  showRunState();
  if (msg.type === 'executed') {
    const images = tracker.images.get(String(msg.data.node)) ?? [];
    const urls = images.map(viewUrl);
    graph.getNodeById(Number(msg.data.node))?.showImages(urls);
    for (const [i, url] of urls.entries()) {
      const img = document.createElement('img');
      img.className = 'result';
      img.src = url;
      img.alt = images[i].filename;
      img.dataset.node = String(msg.data.node);
      $('images').prepend(img);
    }
  }
  if (msg.type === 'execution_error') say(tracker.error ?? 'failed', 'error');
  if (msg.type === 'execution_success') say(`prompt ${tracker.promptId} done`);
  if (msg.type === 'execution_interrupted') say(`prompt ${tracker.promptId} interrupted`, 'error');
}

function showRunState() {
  for (const [id, state] of tracker.nodes) {
    const node = graph.getNodeById(Number(id));
    if (node) node.run = state.state === 'queued' ? null : state;
  }
  document.body.dataset.run = tracker.status;
  showProgress();
  canvas.setDirty(true, false);
}

/** The bar in the toolbar: nodes finished of the prompt's, and the running node's steps. */
function showProgress() {
  const p = overallProgress(tracker.nodes);
  // A prompt that succeeded is complete, whatever a node's last message said.
  if (tracker.status === 'success') p.fraction = 1;
  const bar = $('progress');
  /** @type {HTMLElement} */ (bar.querySelector('.fill')).style.width = `${Math.round(p.fraction * 100)}%`;
  let text = '';
  if (p.total) {
    text = `${p.done}/${p.total} nodes`;
    if (p.running) {
      const node = graph.getNodeById(Number(p.running));
      text += ` · ${node?.title ?? p.running}`;
      if (p.steps) text += ` ${p.steps.value}/${p.steps.max} steps`;
    } else if (tracker.status !== 'running' && tracker.status !== 'queued') {
      text += ` · ${tracker.status}`;
    }
  }
  /** @type {HTMLElement} */ (bar.querySelector('.text')).textContent = text;
  bar.dataset.fraction = p.fraction.toFixed(3);
}

// ---- queue and history panel --------------------------------------------------------------------------------------

let refreshing = null;
/** Reads /queue and /history again and redraws the panel (at most one read at a time, then once more). */
function refreshQueue() {
  if (refreshing) {
    refreshing.again = true;
    return;
  }
  refreshing = { again: false };
  Promise.all([getJson('queue'), getJson('history?max_items=30')])
    .then(([q, h]) => renderQueue(queueEntries(q, h)))
    .catch((e) => say(`the queue could not be read: ${e.message}`, 'error'))
    .finally(() => {
      const again = refreshing?.again;
      refreshing = null;
      if (again) refreshQueue();
    });
}

/** @param {import('./lib/queue.js').QueueEntry[]} entries */
function renderQueue(entries) {
  const items = entries.map((e) => {
    const li = document.createElement('li');
    li.className = e.state;
    li.dataset.prompt = e.id;
    const head = document.createElement('div');
    head.className = 'head';
    const state = document.createElement('span');
    state.className = 'state';
    state.textContent = e.state;
    const label = document.createElement('span');
    label.textContent = `#${e.number}`;
    label.title = e.id;
    head.append(state, label);
    if (e.state === 'pending') head.append(button('cancel', 'Remove it from the queue', () => deleteQueued([e.id]).then(refreshQueue)));
    if (e.state === 'running') head.append(button('stop', 'Interrupt it', () => interrupt()));
    if (e.workflow) {
      head.append(button('load', 'Load the workflow it ran', () => {
        try {
          loadDocument(structuredClone(e.workflow), `prompt #${e.number}`);
        } catch (err) {
          say(/** @type {Error} */ (err).message, 'error');
        }
      }));
    }
    li.append(head);
    if (e.message) {
      const m = document.createElement('div');
      m.className = 'message';
      m.textContent = e.message;
      li.append(m);
    }
    if (e.images.length) {
      const thumbs = document.createElement('div');
      thumbs.className = 'thumbs';
      for (const ref of e.images) {
        const img = document.createElement('img');
        img.src = viewUrl(ref);
        img.alt = ref.filename;
        img.title = ref.filename;
        thumbs.append(img);
      }
      li.append(thumbs);
    }
    return li;
  });
  $('queue-list').replaceChildren(...items);
}

function button(text, title, onClick) {
  const b = document.createElement('button');
  b.textContent = text;
  b.title = title;
  b.addEventListener('click', () => {
    Promise.resolve(onClick()).catch((e) => say(e.message, 'error'));
  });
  return b;
}

/** A preview frame from a sampler goes onto the node that runs. */
function onPreview(blob) {
  const running = [...tracker.nodes].find(([, s]) => s.state === 'running');
  if (running) graph.getNodeById(Number(running[0]))?.showImages([URL.createObjectURL(blob)]);
}

// ---- save and load ----------------------------------------------------------------------------------------------

function download(name, doc) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Loads a workflow document of either format into the canvas. */
function loadDocument(doc, source) {
  const ui = toGraph(doc, defs, source);
  configureGraph(ui);
  // An API prompt has no positions: lay it out by the nodes' real sizes (widgets, previews).
  if (isApiPrompt(doc)) arrange();
  say(`loaded ${source}`);
  const missing = markPlaceholders();
  if (missing.length) {
    say(`${source}: not installed here, kept as red placeholders (the server leaves them out where nothing needs them): ${missing.join(', ')}`, 'warning');
  }
}

/** Places every node in columns by dependency depth (see lib/autolayout.js) and shows the graph's top left. */
function arrange() {
  const title = LiteGraph.NODE_TITLE_HEIGHT;
  const boxes = graph._nodes.map((node) => ({
    id: node.id,
    width: node.size[0],
    height: node.size[1] + title,
    sources: (node.inputs ?? []).map((slot) => {
      if (slot.link == null) return null;
      const link = typeof graph.links.get === 'function' ? graph.links.get(slot.link) : graph.links[slot.link];
      return link?.origin_id ?? null;
    }).filter((id) => id != null),
  }));
  const pos = columnLayout(boxes);
  for (const node of graph._nodes) {
    const p = pos.get(node.id);
    // litegraph's pos is below the title bar.
    if (p) node.pos = [p[0], p[1] + title];
  }
  // Zoomed out to show the whole graph, but not below 0.75: litegraph draws nodes without their widgets below 0.6,
  // and the widgets are what one edits next. A wider graph shows its left part.
  const right = Math.max(...boxes.map((b) => pos.get(b.id)[0] + b.width));
  const bottom = Math.max(...boxes.map((b) => pos.get(b.id)[1] + b.height));
  const view = canvasEl.getBoundingClientRect();
  canvas.ds.scale = Math.max(0.75, Math.min(1, view.width / (right + 40), view.height / (bottom + 40)));
  canvas.ds.offset = [0, 0];
  history.reset();
  canvas.setDirty(true, true);
}

/** @type {any} */
let loadedDefinitions = null;

function configureGraph(ui) {
  loadedDefinitions = ui.definitions?.subgraphs?.length ? ui.definitions : null;
  graph.configure(ui);
  history.reset();
  canvas.setDirty(true, true);
}

/**
 * Nodes whose type the server does not have (or subgraph instances, which litegraph cannot show yet) keep their
 * data as placeholders: red, titled with their type. Returns their names.
 */
function markPlaceholders() {
  const names = [];
  for (const node of graph._nodes) {
    if (!node.has_errors || !node.last_serialization) continue;
    const info = node.last_serialization;
    const sub = loadedDefinitions?.subgraphs?.find((d) => d.id === info.type);
    node.title = sub ? `Subgraph: ${sub.name ?? info.type}` : `${info.title ?? info.type} (not installed)`;
    node.color = sub ? '#335' : '#a33';
    node.bgcolor = sub ? '#224' : '#622';
    node.size = info.size ?? node.size;
    names.push(sub ? `subgraph '${sub.name ?? info.type}' (node ${info.id}, runs on the server)` : `'${info.type}' (node ${info.id})`);
  }
  canvas.setDirty(true, true);
  return names;
}

async function loadFile(file) {
  try {
    if (file.type === 'image/png' || file.name.toLowerCase().endsWith('.png')) {
      const { kind, doc } = workflowFromPng(await file.arrayBuffer(), file.name);
      loadDocument(doc, `${file.name} (${kind})`);
    } else {
      let doc;
      try {
        doc = JSON.parse(await file.text());
      } catch (e) {
        throw new Error(`${file.name}: not JSON (${e.message})`);
      }
      loadDocument(doc, file.name);
    }
  } catch (e) {
    say(e.message, 'error');
  }
}

function save() {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(workflowJson()));
}

// ---- undo and keyboard ------------------------------------------------------------------------------------------

/** Undo and redo over snapshots of the graph, taken when litegraph reports a change. */
const history = {
  /** @type {string[]} */
  past: [],
  /** @type {string[]} */
  future: [],
  current: '',
  restoring: false,
  reset() {
    this.past = [];
    this.future = [];
    this.current = JSON.stringify(workflowJson());
  },
  record() {
    if (this.restoring) return;
    const now = JSON.stringify(workflowJson());
    if (now === this.current) return;
    this.past.push(this.current);
    if (this.past.length > 100) this.past.shift();
    this.future = [];
    this.current = now;
  },
  /** @param {string[]} from @param {string[]} to */
  step(from, to) {
    const snapshot = from.pop();
    if (snapshot === undefined) return;
    to.push(this.current);
    this.current = snapshot;
    this.restoring = true;
    try {
      graph.configure(JSON.parse(snapshot));
      markPlaceholders();
    } finally {
      this.restoring = false;
    }
    canvas.setDirty(true, true);
  },
  undo() { this.step(this.past, this.future); },
  redo() { this.step(this.future, this.past); },
};

/** Sets the mode of the selected nodes, or back to always when all of them have it already (ComfyUI's toggle). */
function toggleMode(mode) {
  const nodes = Object.values(canvas.selected_nodes ?? {});
  if (!nodes.length) return;
  const all = nodes.every((n) => n.mode === mode);
  for (const n of nodes) n.mode = all ? MODE_ALWAYS : mode;
  history.record();
  save();
  canvas.setDirty(true, true);
}

/** Lets the user pick an image and uploads it (LoadImage's upload button). */
hooks.drawLayout = (node) => openLayoutDialog(node, () => { canvas.setDirty(true, true); save(); });
hooks.upload = () => new Promise((resolve) => {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = 'image/png,image/jpeg,image/webp';
  input.onchange = () => {
    const file = input.files?.[0];
    if (!file) return resolve(null);
    uploadImage(file).then((name) => {
      say(`uploaded ${name}`);
      resolve(name);
    }, (e) => {
      say(e.message, 'error');
      resolve(null);
    });
  };
  input.click();
});

// ---- wiring -----------------------------------------------------------------------------------------------------

$('queue').addEventListener('click', () => queue().catch((e) => say(e.message, 'error')));
$('interrupt').addEventListener('click', () => interrupt().catch((e) => say(e.message, 'error')));
$('save').addEventListener('click', () => download('workflow.json', workflowJson()));
$('save-api').addEventListener('click', () => {
  apiPrompt(workflowJson()).then((prompt) => download('workflow_api.json', prompt), (e) => say(e.message, 'error'));
});
$('clear').addEventListener('click', () => {
  graph.clear();
  loadedDefinitions = null;
  placed = 0;
  history.record();
  canvas.setDirty(true, true);
});
$('load').addEventListener('click', () => $('file').click());
$('file').addEventListener('change', (ev) => {
  const input = /** @type {HTMLInputElement} */ (ev.target);
  if (input.files?.[0]) loadFile(input.files[0]);
  input.value = '';
});
$('palette-filter').addEventListener('input', renderPalette);
document.addEventListener('dragover', (ev) => ev.preventDefault());
document.addEventListener('drop', (ev) => {
  ev.preventDefault();
  const file = ev.dataTransfer?.files?.[0];
  if (file) loadFile(file);
});
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) queue().catch((e) => say(e.message, 'error'));
  // The rest belongs to the canvas: not while typing in a field or a dialog.
  const target = /** @type {HTMLElement} */ (ev.target);
  if (target.closest?.('input, textarea, select, .graphdialog, dialog')) return;
  const ctrl = ev.ctrlKey || ev.metaKey;
  const key = ev.key.toLowerCase();
  if (ctrl && key === 'z' && !ev.shiftKey) history.undo();
  else if (ctrl && (key === 'y' || (key === 'z' && ev.shiftKey))) history.redo();
  else if (ctrl && key === 'b') toggleMode(MODE_BYPASS);
  else if (ctrl && key === 'm') toggleMode(MODE_NEVER);
  else return;
  ev.preventDefault();
});
// litegraph listens for keys on the canvas element (Delete, Ctrl+A/C/V): it must be able to take the focus.
canvasEl.tabIndex = 0;
canvasEl.addEventListener('pointerdown', () => canvasEl.focus({ preventScroll: true }));
graph.onAfterChange = () => {
  history.record();
  save();
};
window.addEventListener('beforeunload', save);

// For scripted use and the browser tests: the live objects, and where a node's slot is on the page.
window.tessera = {
  graph, canvas, tracker, addNode, loadDocument, queue,
  get defs() { return defs; },
  /** The API prompt Queue would post (a promise: the server converts). */
  api: () => apiPrompt(workflowJson()),
  history,
  /** Page coordinates of a node's input or output slot (by index or name). */
  slotOnPage(nodeId, kind, slot) {
    const node = graph.getNodeById(nodeId);
    const list = kind === 'input' ? node.inputs : node.outputs;
    const index = typeof slot === 'number' ? slot : list.findIndex((s) => s.name === slot);
    const pos = node.getConnectionPos(kind === 'input', index);
    return toPage(pos[0], pos[1]);
  },
  /** Page coordinates of the middle of a node's widget. */
  widgetOnPage(nodeId, name) {
    const node = graph.getNodeById(nodeId);
    const w = node.widgets.find((x) => x.name === name);
    return toPage(node.pos[0] + node.size[0] / 2, node.pos[1] + w.y + LiteGraph.NODE_WIDGET_HEIGHT / 2);
  },
};

function toPage(x, y) {
  // Graph units to canvas pixels (litegraph's convertOffsetToCanvas: (p + offset) * scale).
  const [ox, oy] = canvas.ds.convertOffsetToCanvas([x, y]);
  const rect = canvasEl.getBoundingClientRect();
  return { x: rect.left + ox, y: rect.top + oy };
}

resize();
loadNodeTypes()
  .then(() => {
    const saved = localStorage.getItem(STORAGE_KEY);
    try {
      // The first start shows ComfyUI's default graph, with the tiny checkpoint of the samples.
      configureGraph(saved ? JSON.parse(saved) : structuredClone(defaultGraph));
      markPlaceholders();
    } catch (e) {
      say(`the workflow of the last session could not be restored: ${e.message}`, 'error');
    }
    refreshQueue();
    document.body.dataset.ready = 'true';
    say(`${defs.size} node types`);
  })
  .catch((e) => say(`could not read the node types: ${e.message}`, 'error'));
let wasClosed = false;
connectEvents(clientId, {
  onMessage,
  onPreview,
  onState: (open) => {
    $('connection').className = open ? 'online' : 'offline';
    // Node types may have come or gone while the socket was down (a bundle installed or stopped, a restart).
    if (open && wasClosed) loadNodeTypes().catch((e) => say(e.message, 'error'));
    if (!open) wasClosed = true;
  },
});
