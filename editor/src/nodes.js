/**
 * litegraph node types made from the server's node definitions: a socket per input (a widget input's socket takes a
 * link in place of the widget's value, as in ComfyUI), a widget per INT/FLOAT/STRING/BOOLEAN/COMBO input, an output
 * slot per output, and drawing of the run state and result images.
 */
import { LiteGraph, LGraphCanvas, LGraphNode } from '@comfyorg/litegraph';
import { typesMatch } from './lib/nodedefs.js';
import { widgetValues } from './lib/convert.js';

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
        this.addInput(input.name, input.type, extra);
      }
      // After every input's widget: litegraph's serialisation counts skipped widgets, its configure does not.
      for (const input of def.inputs) if (input.widget?.imageUpload) addUploadButton(this, input.name);
      if (def.type === 'LayoutFromJSON') addLayoutButton(this);
      for (const output of def.outputs) {
        this.addOutput(output.name, output.type, output.isList ? { shape: LiteGraph.GRID_SHAPE } : {});
      }
      const [w, h] = this.computeSize();
      this.size = [Math.max(w, 240), h];
    }

    /** Workflows saved by ComfyUI's editor carry a control value after each seed: drop it before litegraph maps values. */
    configure(info) {
      if (Array.isArray(info.widgets_values)) info = { ...info, widgets_values: widgetValues(def, info.widgets_values) };
      super.configure(info);
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
        ctx.fillStyle = color;
        ctx.fillRect(0, -3, (this.size[0] * run.value) / run.max, 3);
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
      return node.addWidget('text', input.name, w.default, changed, { multiline: w.multiline });
    case 'toggle':
      return node.addWidget('toggle', input.name, w.default, changed, { on: 'true', off: 'false' });
    case 'combo':
      // A copy: an upload adds to this node's list without touching the definition.
      return node.addWidget('combo', input.name, w.default, changed, { values: [...w.values] });
  }
}

/** A button that uploads an image to the input folder and selects it in the combo `name`. */
function addUploadButton(node, name) {
  const button = node.addWidget('button', 'upload image', null, () => {
    hooks.upload?.().then((file) => {
      if (!file) return;
      const combo = node.widgets.find((w) => w.name === name);
      if (!combo.options.values.includes(file)) combo.options.values.push(file);
      combo.value = file;
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
