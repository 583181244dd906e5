/**
 * litegraph node types made from the server's node definitions: a socket per input (a widget input's socket takes a
 * link in place of the widget's value, as in ComfyUI), a widget per INT/FLOAT/STRING/BOOLEAN/COMBO input, an output
 * slot per output, and drawing of the run state and result images.
 */
import { LiteGraph, LGraphCanvas, LGraphNode } from '@comfyorg/litegraph';
import { typesMatch } from './lib/nodedefs.js';
import { inputImageUrl } from './lib/progress.js';
import { MODE_BYPASS, MODE_NEVER, widgetValues } from './lib/convert.js';

/** ComfyUI's widget after a seed, and its values; it is saved in widgets_values but never sent as an input. */
const CONTROL = 'control_after_generate';
const SEED_CONTROLS = ['fixed', 'increment', 'decrement', 'randomize'];

/** @param {import('./lib/nodedefs.js').InputDef} input */
function isSeed(input) {
  const w = /** @type {any} */ (input.widget);
  return Boolean(w && w.kind === 'number' && w.type === 'INT'
    && (w.controlAfterGenerate || input.name === 'seed' || input.name === 'noise_seed'));
}

/** @param {LGraphNode} node */
function addControlWidget(node) {
  const widget = node.addWidget('combo', CONTROL, 'randomize', changed, { values: [...SEED_CONTROLS] });
  return widget;
}

const STATE_COLORS = { queued: '#555', running: '#2a7fff', done: '#2e9e4f', cached: '#6b6', error: '#d33' };

/** ComfyUI's type-to-colour convention, so links read the same as in ComfyUI. */
const TYPE_COLORS = {
  IMAGE: '#64B5F6', MASK: '#81C784', LATENT: '#FF9CF9', CONDITIONING: '#FFA931', MODEL: '#B39DDB', CLIP: '#FFD500',
  VAE: '#FF6E6E', INT: '#29699c', FLOAT: '#29699c', STRING: '#77ff77', LAYOUT: '#f0a0a0',
};

/** Every registered Tessera type, so a refresh of /object_info can drop the ones that went away. */
const registered = new Set();

/** Widgets report changes through the graph's change hook; litegraph wants a callback, so it gets this. */
const changed = () => {};

/**
 * Set by the editor: uploads a user-chosen image and resolves to its name in the input folder (for
 * `image_upload` combos such as LoadImage's).
 * @type {{upload: (() => Promise<string|null>) | null}}
 */
export const hooks = { upload: null, drawLayout: null };

/** Installs the connection rule and link colours once. */
export function configureLiteGraph(canvas) {
  // Typed sockets: an output connects only to an input whose type matches (ComfyUI's rule).
  LiteGraph.isValidConnection = (a, b) => typesMatch(String(a ?? ''), String(b ?? ''));
  LiteGraph.release_link_on_empty_shows_menu = true;
  Object.assign(LGraphCanvas.link_type_colors, TYPE_COLORS);
  canvas.default_connection_color_byType = { ...(canvas.default_connection_color_byType ?? {}), ...TYPE_COLORS };
  // litegraph's frame and node counters are for its developers.
  canvas.show_info = false;
  // Bypassed nodes are purple and muted ones greyed, as in ComfyUI, whatever their type.
  const drawNode = LGraphCanvas.prototype.drawNode;
  LGraphCanvas.prototype.drawNode = function (node, ctx) {
    drawNode.call(this, node, ctx);
    if (node.mode !== MODE_BYPASS && node.mode !== MODE_NEVER) return;
    ctx.save();
    ctx.fillStyle = node.mode === MODE_BYPASS ? 'rgba(160, 60, 220, 0.45)' : 'rgba(20, 20, 20, 0.6)';
    const h = LiteGraph.NODE_TITLE_HEIGHT;
    ctx.fillRect(0, -h, node.size[0], node.size[1] + h);
    ctx.fillStyle = '#eee';
    ctx.font = '12px sans-serif';
    ctx.fillText(node.mode === MODE_BYPASS ? 'bypassed' : 'muted', node.size[0] - 60, -h / 3);
    ctx.restore();
  };
  registerFrontendTypes();
}

/**
 * The node types ComfyUI's frontend adds and never sends to the server: notes, reroutes and primitives, so that
 * its workflows load whole (the server's converter knows what they mean).
 */
function registerFrontendTypes() {
  class NoteNode extends LGraphNode {
    static title = 'Note';
    constructor(title) {
      super(title ?? 'Note');
      this.serialize_widgets = true;
      this.isVirtualNode = true;
      this.color = '#432';
      this.bgcolor = '#653';
      addPromptWidget(this, 'text', '');
      this.size = [300, 140];
    }
  }
  LiteGraph.registerNodeType('Note', NoteNode);
  LiteGraph.registerNodeType('MarkdownNote', class extends NoteNode {
    static title = 'Markdown Note';
  });
  LiteGraph.registerNodeType('Reroute', class extends LGraphNode {
    static title = 'Reroute';
    constructor(title) {
      super(title ?? 'Reroute');
      this.isVirtualNode = true;
      this.addInput('', '*');
      this.addOutput('', '*');
      this.size = [75, 26];
    }
  });
  LiteGraph.registerNodeType('PrimitiveNode', class extends LGraphNode {
    static title = 'Primitive';
    constructor(title) {
      super(title ?? 'Primitive');
      this.isVirtualNode = true;
      this.serialize_widgets = true;
      this.addOutput('connect to widget input', '*');
    }

    configure(info) {
      const values = Array.isArray(info.widgets_values) ? info.widgets_values : [];
      if (!this.widgets?.length) {
        const v = values[0];
        if (typeof v === 'number') this.addWidget('number', 'value', v, changed, { step: 10, step2: 1, precision: Number.isInteger(v) ? 0 : 3 });
        else if (typeof v === 'boolean') this.addWidget('toggle', 'value', v, changed, {});
        else this.addWidget('text', 'value', v ?? '', changed, {});
        if (typeof values[1] === 'string' && SEED_CONTROLS.includes(values[1])) {
          this.addWidget('combo', CONTROL, values[1], changed, { values: [...SEED_CONTROLS] });
        }
      }
      super.configure(info);
    }
  });
}

/**
 * Registers (or re-registers) one litegraph node type per definition.
 * @param {Map<string, import('./lib/nodedefs.js').NodeDef>} defs
 */
export function registerNodeTypes(defs) {
  for (const type of registered) {
    if (!defs.has(type)) {
      LiteGraph.unregisterNodeType(type);
      registered.delete(type);
    }
  }
  for (const def of defs.values()) {
    LiteGraph.registerNodeType(def.type, nodeClass(def));
    registered.add(def.type);
  }
}

/** @param {import('./lib/nodedefs.js').NodeDef} def */
function nodeClass(def) {
  return class TesseraNode extends LGraphNode {
    static title = def.displayName;
    static category = def.category;
    static description = def.description;
    static comfyClass = def.type;

    constructor(title) {
      super(title ?? def.displayName);
      this.def = def;
      this.serialize_widgets = true;
      /** Run state shown on the canvas: {state, value, max, message}. */
      this.run = null;
      /** Result images (HTMLImageElement) shown under the widgets. */
      this.imgs = [];
      for (const input of def.inputs) {
        const extra = input.widget ? { widget: { name: input.name } } : {};
        if (input.tooltip) extra.tooltip = input.tooltip;
        if (input.optional) extra.shape = LiteGraph.ROUND_SHAPE;
        if (input.widget) addWidget(this, input);
        if (isSeed(input)) addControlWidget(this);
        this.addInput(input.name, input.type, extra);
      }
      // After every input's widget: litegraph's serialisation counts skipped widgets, its configure does not.
      for (const input of def.inputs) if (input.widget?.imageUpload) addUploadButton(this, input.name);
      // LoadImage and its kind show the chosen file, as ComfyUI does.
      this.previewInput = def.inputs.find((i) => i.widget?.imageUpload)?.name ?? null;
      if (this.previewInput) {
        const combo = this.widgets.find((w) => w.name === this.previewInput);
        combo.callback = () => this.showInputImage();
      }
      if (def.type === 'LayoutFromJSON') addLayoutButton(this);
      for (const output of def.outputs) {
        this.addOutput(output.name, output.type, output.isList ? { shape: LiteGraph.GRID_SHAPE } : {});
      }
      const [w, h] = this.computeSize();
      this.size = [Math.max(w, 240), h];
    }

    /**
     * A saved node (ours or ComfyUI's): sockets in the definition's order whatever the file lists (ComfyUI saves
     * only linked inputs, or widget inputs in another place), links moved with them, and widget values by name
     * (the seed's control_after_generate value, which ComfyUI saves after it, goes to our control widget).
     */
    configure(info) {
      info = { ...info };
      const saved = Array.isArray(info.widgets_values) ? info.widgets_values : null;
      if (Array.isArray(info.inputs)) info.inputs = this.inputsInOrder(info.inputs);
      delete info.widgets_values;
      super.configure(info);
      if (saved) this.setWidgetValues(saved);
    }

    /** @param {any[]} saved */
    inputsInOrder(saved) {
      const inputs = def.inputs.map((input) => {
        const s = saved.find((x) => x?.name === input.name);
        /** @type {any} */
        const slot = { name: input.name, type: input.type, link: s?.link ?? null };
        if (input.widget) slot.widget = { name: input.name };
        if (input.optional) slot.shape = LiteGraph.ROUND_SHAPE;
        if (s?.label) slot.label = s.label;
        return slot;
      });
      for (const s of saved) if (s && !def.inputs.some((i) => i.name === s.name)) inputs.push(s);
      const links = this.graph?.links;
      inputs.forEach((slot, i) => {
        if (slot.link == null || !links) return;
        const link = typeof links.get === 'function' ? links.get(slot.link) : links[slot.link];
        if (link) link.target_slot = i;
      });
      return inputs;
    }

    /** The image the upload combo names, under the widgets (none when nothing is chosen). */
    showInputImage() {
      const value = this.widgets?.find((w) => w.name === this.previewInput)?.value;
      if (typeof value === 'string' && value) this.showImages([inputImageUrl(value)]);
    }

    onAdded() {
      if (this.previewInput) this.showInputImage();
    }

    /** @param {any[]} saved */
    setWidgetValues(saved) {
      const values = widgetValues(def, saved);
      let at = 0;
      for (const input of def.inputs) {
        if (!input.widget) continue;
        const v = values[at++];
        const widget = this.widgets?.find((w) => w.name === input.name);
        if (widget && v !== undefined && v !== null) widget.value = v;
      }
      if (this.previewInput) this.showInputImage();
      const control = this.widgets?.find((w) => w.name === CONTROL);
      if (control) {
        const given = saved.find((v) => typeof v === 'string' && SEED_CONTROLS.includes(v));
        if (given) control.value = given;
      }
    }

    /** ComfyUI's control_after_generate: the seed changes after each queue as its control says. */
    afterQueued() {
      const control = this.widgets?.find((w) => w.name === CONTROL);
      if (!control) return;
      const seed = this.widgets[this.widgets.indexOf(control) - 1];
      if (!seed) return;
      const max = Math.min(seed.options?.max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      const min = seed.options?.min ?? 0;
      if (control.value === 'increment') seed.value = Math.min(max, seed.value + 1);
      else if (control.value === 'decrement') seed.value = Math.max(min, seed.value - 1);
      else if (control.value === 'randomize') seed.value = min + Math.floor(Math.random() * Math.min(max - min, 2 ** 50));
      this.setDirtyCanvas(true, false);
    }

    onDrawForeground(ctx) {
      const run = this.run;
      if (!run) return;
      const color = STATE_COLORS[run.state] ?? '#555';
      ctx.save();
      ctx.strokeStyle = color;
      ctx.lineWidth = run.state === 'running' ? 3 : 2;
      ctx.strokeRect(-2, -LiteGraph.NODE_TITLE_HEIGHT - 2, this.size[0] + 4, this.size[1] + LiteGraph.NODE_TITLE_HEIGHT + 4);
      if (run.state === 'running' && run.max > 0) {
        // Under the title: the steps done of this node, as a bar and as numbers.
        ctx.fillStyle = '#1b1b1b';
        ctx.fillRect(0, 0, this.size[0], 14);
        ctx.fillStyle = color;
        ctx.fillRect(0, 0, (this.size[0] * run.value) / run.max, 14);
        ctx.fillStyle = '#fff';
        ctx.font = '11px sans-serif';
        ctx.fillText(`${run.value}/${run.max}`, 4, 11);
      }
      if (run.state === 'error' && run.message) {
        ctx.fillStyle = color;
        ctx.font = '12px sans-serif';
        ctx.fillText(run.message.slice(0, 80), 0, this.size[1] + 16);
      }
      ctx.restore();
    }

    onDrawBackground(ctx) {
      const img = this.imgs.find((i) => i.complete && i.naturalWidth > 0);
      if (!img || this.flags.collapsed) return;
      // The image fills the space below slots and widgets, keeping its aspect ratio.
      const top = this.computeSize()[1];
      const room = [this.size[0] - 10, this.size[1] - top - 5];
      if (room[1] < 20) return;
      const scale = Math.min(room[0] / img.naturalWidth, room[1] / img.naturalHeight);
      const w = img.naturalWidth * scale;
      const h = img.naturalHeight * scale;
      ctx.drawImage(img, (this.size[0] - w) / 2, top + (room[1] - h) / 2, w, h);
    }

    /** Shows result images, growing the node so they have room. */
    showImages(urls) {
      this.imgs = urls.map((u) => {
        const img = new Image();
        img.onload = () => this.setDirtyCanvas(true, false);
        img.src = u;
        return img;
      });
      const minHeight = this.computeSize()[1] + 220;
      if (this.size[1] < minHeight) this.size[1] = minHeight;
      this.setDirtyCanvas(true, false);
    }
  };
}

/**
 * @param {LGraphNode} node
 * @param {import('./lib/nodedefs.js').InputDef} input
 */
function addWidget(node, input) {
  const w = /** @type {import('./lib/nodedefs.js').WidgetSpec} */ (input.widget);
  switch (w.kind) {
    case 'number': {
      const step = w.step ?? (w.type === 'INT' ? 1 : 0.01);
      // step2 is the real increment (litegraph's `step` is ten times it, for historical reasons).
      const precision = w.type === 'INT' ? 0 : decimals(w.round ?? step);
      const options = { min: w.min, max: w.max, step: step * 10, step2: step, precision, round: w.type === 'INT' ? 1 : w.round };
      const widget = node.addWidget('number', input.name, w.default, changed, options);
      if (w.type === 'INT') {
        // Keep INT values integral whatever litegraph's dragging produces.
        const set = widget.setValue.bind(widget);
        widget.setValue = (v, o) => set(Math.round(v), o);
      }
      return widget;
    }
    case 'text':
      if (w.multiline) return addPromptWidget(node, input.name, w.default);
      return node.addWidget('text', input.name, w.default, changed, { multiline: false });
    case 'toggle':
      return node.addWidget('toggle', input.name, w.default, changed, { on: 'true', off: 'false' });
    case 'combo':
      // A copy: an upload adds to this node's list without touching the definition.
      return node.addWidget('combo', input.name, w.default, changed, { values: [...w.values] });
  }
}

/** Lines a multi-line text widget shows on the node. */
const PROMPT_LINES = 5;
const PROMPT_LINE_HEIGHT = 15;

/**
 * A multi-line STRING input (a prompt) as ComfyUI shows it: a box on the node with the text wrapped over several
 * lines; a click opens a text area over it, edited in place (Enter is a new line; Escape puts the text back;
 * clicking elsewhere keeps it).
 * @param {LGraphNode} node @param {string} name @param {string} value
 */
function addPromptWidget(node, name, value) {
  const widget = /** @type {any} */ (node.addWidget('text', name, value ?? '', changed, { multiline: true }));
  widget.computeSize = (width) => [width ?? node.size[0], PROMPT_LINES * PROMPT_LINE_HEIGHT + 10];
  widget.draw = (ctx, _node, width, y) => drawPrompt(ctx, widget, width, y);
  widget.onClick = ({ canvas }) => openPromptEditor(widget, node, canvas);
  return widget;
}

/** The widget's box with its text wrapped to the width, as many lines as fit, the last one ending in "…" when cut. */
function drawPrompt(ctx, widget, width, y) {
  const height = PROMPT_LINES * PROMPT_LINE_HEIGHT + 6;
  const margin = 15;
  ctx.save();
  ctx.fillStyle = LiteGraph.WIDGET_BGCOLOR;
  ctx.strokeStyle = LiteGraph.WIDGET_OUTLINE_COLOR;
  ctx.beginPath();
  ctx.roundRect(margin, y, width - margin * 2, height, 6);
  ctx.fill();
  ctx.stroke();
  ctx.font = '12px sans-serif';
  ctx.textBaseline = 'top';
  const text = String(widget.value ?? '');
  const lines = text ? wrapLines(ctx, text, width - margin * 2 - 12) : [];
  ctx.fillStyle = text ? LiteGraph.WIDGET_TEXT_COLOR : LiteGraph.WIDGET_SECONDARY_TEXT_COLOR;
  if (!text) lines.push(widget.label ?? widget.name);
  lines.slice(0, PROMPT_LINES).forEach((line, i) => {
    const cut = i === PROMPT_LINES - 1 && lines.length > PROMPT_LINES;
    ctx.fillText(cut ? `${line.slice(0, Math.max(0, line.length - 1))}…` : line, margin + 6, y + 4 + i * PROMPT_LINE_HEIGHT);
  });
  ctx.restore();
}

/** The text's lines, its own line breaks kept and long lines broken between words (or inside a long word). */
function wrapLines(ctx, text, width) {
  const out = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(\s+)/)) {
      const next = line + word;
      if (ctx.measureText(next).width <= width || !line.trim()) {
        line = next;
        continue;
      }
      out.push(line.trimEnd());
      line = word.trimStart();
    }
    out.push(line);
  }
  return out;
}

/** The open prompt editor, if any: one at a time. */
let promptEditor = null;

/**
 * A text area over the widget (at least 320 x 160 screen pixels), holding its text. Each keystroke sets the value, so
 * Queue (Ctrl+Enter) sends what is typed; leaving it records one undo step.
 */
function openPromptEditor(widget, node, canvas) {
  promptEditor?.close(true);
  const before = String(widget.value ?? '');
  const area = document.createElement('textarea');
  area.className = 'prompt-editor';
  area.value = before;
  area.spellcheck = false;
  area.setAttribute('aria-label', `${node.title}: ${widget.name}`);
  const scale = canvas.ds.scale;
  // Graph units to canvas pixels (litegraph's convertOffsetToCanvas: (p + offset) * scale).
  const [left, top] = canvas.ds.convertOffsetToCanvas([node.pos[0] + 15, node.pos[1] + (widget.y ?? widget.last_y ?? 0)]);
  const rect = canvas.canvas.getBoundingClientRect();
  Object.assign(area.style, {
    left: `${rect.left + window.scrollX + left}px`,
    top: `${rect.top + window.scrollY + top}px`,
    width: `${Math.max(320, (node.size[0] - 30) * scale)}px`,
    height: `${Math.max(160, (PROMPT_LINES * PROMPT_LINE_HEIGHT + 6) * scale)}px`,
    fontSize: `${Math.max(12, 12 * scale)}px`,
  });
  const set = (v) => {
    widget.value = v;
    node.setDirtyCanvas(true, false);
  };
  area.addEventListener('input', () => set(area.value));
  const close = (keep) => {
    if (promptEditor?.area !== area) return;
    promptEditor = null;
    if (!keep) set(before);
    area.remove();
    if (keep && area.value !== before) {
      widget.callback?.(widget.value, canvas, node);
      node.graph?.afterChange?.();
    }
  };
  area.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      close(false);
    }
  });
  area.addEventListener('blur', () => close(true));
  document.body.append(area);
  promptEditor = { area, close };
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
}

/** A button that uploads an image to the input folder and selects it in the combo `name`. */
function addUploadButton(node, name) {
  const button = node.addWidget('button', 'upload image', null, () => {
    hooks.upload?.().then((file) => {
      if (!file) return;
      const combo = node.widgets.find((w) => w.name === name);
      if (!combo.options.values.includes(file)) combo.options.values.push(file);
      combo.value = file;
      /** @type {any} */ (node).showInputImage?.();
      node.setDirtyCanvas(true, false);
    });
  });
  // Not an input of the node: it must not take a place in widgets_values.
  button.serialize = false;
}

/** A button that opens the box-drawing dialog, which writes the node's text as Tessera layout JSON. */
function addLayoutButton(node) {
  const button = node.addWidget('button', 'draw boxes', null, () => hooks.drawLayout?.(node));
  button.serialize = false;
}

function decimals(step) {
  const s = String(step);
  return s.includes('.') ? Math.min(6, s.split('.')[1].length) : 0;
}
