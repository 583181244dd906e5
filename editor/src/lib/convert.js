// @ts-check
/**
 * Conversions between litegraph's workflow JSON (ComfyUI's UI format, version 0.4) and ComfyUI's API format.
 * Pure functions over plain JSON and node definitions, so they are tested without a browser.
 */
import { describe } from './nodedefs.js';

/** litegraph node modes: 0 always, 2 never (muted), 4 bypass. */
export const MODE_ALWAYS = 0;
export const MODE_NEVER = 2;
export const MODE_BYPASS = 4;

/** Frontend-only node types that pass their input through unchanged. */
const PASS_THROUGH = new Set(['Reroute']);
/** Frontend-only node types that never reach the server. */
const FRONTEND_ONLY = new Set(['Note', 'MarkdownNote']);

/**
 * @typedef {import('./nodedefs.js').NodeDef} NodeDef
 * @typedef {{id: number|string, type: string, title?: string, pos?: number[], size?: number[], mode?: number,
 *   inputs?: {name: string, type: string, link: number|null, widget?: {name: string}}[],
 *   outputs?: {name: string, type: string, links: number[]|null, slot_index?: number}[],
 *   widgets_values?: any[] | Record<string, any>, properties?: Record<string, any>, flags?: object, order?: number}} UiNode
 * @typedef {{last_node_id?: number, last_link_id?: number, nodes: UiNode[], links: any[], groups?: any[],
 *   config?: object, extra?: object, version?: number}} UiGraph
 * @typedef {Record<string, {class_type: string, inputs: Record<string, any>, _meta?: {title?: string}}>} ApiPrompt
 */

/** The values of ComfyUI's `control_after_generate` widget, which its editor stores after a seed's value. */
const SEED_CONTROLS = new Set(['fixed', 'increment', 'decrement', 'randomize']);

/**
 * A node's `widgets_values` with one value per widget input of `def`, in order: drops the extra
 * `control_after_generate` value that ComfyUI's editor saves after an INT (seed) widget, where the list is longer
 * than the node's widgets. An object of values by name is returned as it is.
 * @param {NodeDef} def
 * @param {any[] | Record<string, any> | undefined} values
 */
export function widgetValues(def, values) {
  if (!Array.isArray(values)) return values ?? [];
  const widgets = def.inputs.filter((i) => i.widget);
  let extra = values.length - widgets.length;
  if (extra <= 0) return values;
  const out = [];
  let at = 0;
  for (const input of widgets) {
    out.push(values[at++]);
    const w = /** @type {any} */ (input.widget);
    const seed = w.kind === 'number' && w.type === 'INT' && (w.controlAfterGenerate || input.name === 'seed' || input.name === 'noise_seed');
    // The control value: one of its words, or true/false in workflows of ComfyUI's older editor (its default graph).
    if (extra > 0 && w.kind === 'number' && w.type === 'INT'
      && (SEED_CONTROLS.has(values[at]) || (seed && typeof values[at] === 'boolean'))) {
      at++;
      extra--;
    }
  }
  return out;
}

/**
 * The API prompt of a workflow: what "Queue" posts to /prompt.
 * @param {UiGraph} graph
 * @param {Map<string, NodeDef>} defs
 * @returns {ApiPrompt}
 */
export function graphToApi(graph, defs) {
  if (!graph || !Array.isArray(graph.nodes)) throw new Error('workflow: expected litegraph JSON with a nodes list');
  /** @type {Map<string, UiNode>} */
  const nodes = new Map(graph.nodes.map((n) => [String(n.id), n]));
  /** @type {Map<number, {origin: string, slot: number}>} */
  const links = new Map();
  for (const l of graph.links ?? []) {
    // Version 0.4 stores [id, origin, origin slot, target, target slot, type]; version 1 stores objects.
    if (Array.isArray(l)) links.set(Number(l[0]), { origin: String(l[1]), slot: Number(l[2]) });
    else if (l && typeof l === 'object') links.set(Number(l.id), { origin: String(l.origin_id), slot: Number(l.origin_slot) });
  }

  /**
   * The live source of a link, following reroutes and bypassed nodes; null when it leads to nothing that runs.
   * @param {number} linkId
   * @param {Set<string>} seen
   * @returns {[string, number] | null}
   */
  const source = (linkId, seen = new Set()) => {
    const link = links.get(Number(linkId));
    if (!link) return null;
    const from = nodes.get(link.origin);
    if (!from || seen.has(link.origin)) return null;
    seen.add(link.origin);
    if (PASS_THROUGH.has(from.type)) {
      const up = from.inputs?.[0]?.link;
      return up == null ? null : source(up, seen);
    }
    if (from.mode === MODE_BYPASS) {
      // ComfyUI's bypass: the output takes the first input of the same type.
      const outType = from.outputs?.[link.slot]?.type;
      const through = from.inputs?.find((i) => i.link != null && i.type === outType);
      return through ? source(/** @type {number} */ (through.link), seen) : null;
    }
    if (from.mode === MODE_NEVER) return null;
    return [link.origin, link.slot];
  };

  /** @type {ApiPrompt} */
  const prompt = {};
  for (const node of graph.nodes) {
    if (FRONTEND_ONLY.has(node.type) || PASS_THROUGH.has(node.type)) continue;
    if (node.mode === MODE_NEVER || node.mode === MODE_BYPASS) continue;
    const def = defs.get(node.type);
    if (!def) throw new Error(`node ${node.id} ('${node.title ?? node.type}'): the server has no node type '${node.type}'`);
    /** @type {Record<string, any>} */
    const inputs = {};
    const values = widgetValues(def, node.widgets_values);
    let widgetIndex = 0;
    for (const input of def.inputs) {
      const slot = node.inputs?.find((s) => s.name === input.name);
      const widgetAt = input.widget ? widgetIndex++ : -1;
      if (slot && slot.link != null) {
        const src = source(slot.link);
        if (src) inputs[input.name] = src;
        continue;
      }
      if (widgetAt < 0) continue;
      const value = Array.isArray(values) ? values[widgetAt] : values[input.name];
      if (value !== undefined) inputs[input.name] = value;
    }
    prompt[String(node.id)] = { class_type: node.type, inputs, _meta: { title: node.title ?? def.displayName } };
  }
  return prompt;
}

/**
 * A litegraph workflow for an API prompt: nodes laid out in columns by depth, widget values from literal inputs.
 * @param {ApiPrompt} prompt
 * @param {Map<string, NodeDef>} defs
 * @returns {UiGraph}
 */
export function apiToGraph(prompt, defs) {
  if (!isApiPrompt(prompt)) throw new Error('API workflow: expected {"<id>": {"class_type": ..., "inputs": {...}}}');
  const ids = Object.keys(prompt);
  // Numeric ids are kept so node errors from the server name the same nodes; others get fresh numbers.
  let next = Math.max(0, ...ids.map(Number).filter(Number.isInteger)) + 1;
  /** @type {Map<string, number>} */
  const idOf = new Map(ids.map((id) => [id, /^\d+$/.test(id) ? Number(id) : next++]));

  /** @type {Map<string, number>} */
  const depth = new Map();
  /** @param {string} id @param {Set<string>} path @returns {number} */
  const depthOf = (id, path) => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (path.has(id)) throw new Error(`API workflow: node ${id} is part of a cycle`);
    path.add(id);
    let d = 0;
    for (const v of Object.values(prompt[id].inputs ?? {})) {
      if (isLink(v) && prompt[String(v[0])]) d = Math.max(d, depthOf(String(v[0]), path) + 1);
    }
    path.delete(id);
    depth.set(id, d);
    return d;
  };

  /** @type {UiNode[]} */
  const nodes = [];
  /** @type {any[]} */
  const links = [];
  /** @type {Map<string, UiNode>} */
  const byId = new Map();
  const columnY = /** @type {number[]} */ ([]);
  for (const id of ids) {
    const entry = prompt[id];
    const def = defs.get(entry.class_type);
    if (!def) throw new Error(`API workflow node ${id}: the server has no node type '${entry.class_type}'`);
    const col = depthOf(id, new Set());
    const y = columnY[col] ?? 60;
    const height = 60 + 26 * Math.max(def.inputs.length, def.outputs.length);
    columnY[col] = y + height + 40;
    /** @type {UiNode} */
    const node = {
      id: /** @type {number} */ (idOf.get(id)),
      type: entry.class_type,
      pos: [60 + col * 340, y],
      mode: MODE_ALWAYS,
      flags: {},
      order: nodes.length,
      properties: {},
      inputs: [],
      outputs: def.outputs.map((o, i) => ({ name: o.name, type: o.type, links: [], slot_index: i })),
      widgets_values: [],
    };
    if (entry._meta?.title && entry._meta.title !== def.displayName) node.title = entry._meta.title;
    nodes.push(node);
    byId.set(id, node);
  }
  for (const id of ids) {
    const entry = prompt[id];
    const node = /** @type {UiNode} */ (byId.get(id));
    const def = /** @type {NodeDef} */ (defs.get(entry.class_type));
    const given = entry.inputs ?? {};
    for (const input of def.inputs) {
      const value = given[input.name];
      /** @type {{name: string, type: string, link: number|null, widget?: {name: string}}} */
      const slot = { name: input.name, type: input.type, link: null };
      if (input.widget) slot.widget = { name: input.name };
      if (isLink(value)) {
        const from = byId.get(String(value[0]));
        if (!from) throw new Error(`API workflow node ${id} input '${input.name}': links to node ${value[0]}, which does not exist`);
        const outSlot = Number(value[1]);
        const out = from.outputs?.[outSlot];
        if (!out) throw new Error(`API workflow node ${id} input '${input.name}': node ${value[0]} has no output ${outSlot}`);
        const linkId = links.length + 1;
        links.push([linkId, from.id, outSlot, node.id, /** @type {any[]} */ (node.inputs).length, input.type]);
        slot.link = linkId;
        (out.links ??= []).push(linkId);
      }
      /** @type {any[]} */ (node.inputs).push(slot);
      if (input.widget) {
        /** @type {any[]} */ (node.widgets_values).push(isLink(value) || value === undefined ? input.widget.default : value);
      }
    }
  }
  return {
    last_node_id: Math.max(0, ...nodes.map((n) => Number(n.id))),
    last_link_id: links.length,
    nodes,
    links,
    groups: [],
    config: {},
    extra: {},
    version: 0.4,
  };
}

/**
 * Whether a parsed JSON document is an API prompt rather than litegraph JSON.
 * @param {any} doc
 */
export function isApiPrompt(doc) {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || Array.isArray(doc.nodes)) return false;
  const entries = Object.values(doc);
  return entries.length > 0 && entries.every((e) => e && typeof e === 'object' && typeof e.class_type === 'string');
}

/**
 * Reads a workflow document of either format: litegraph JSON is returned as is, an API prompt is laid out.
 * @param {any} doc
 * @param {Map<string, NodeDef>} defs
 * @param {string} source where it came from, for errors
 * @returns {UiGraph}
 */
export function toGraph(doc, defs, source) {
  if (doc && typeof doc === 'object' && Array.isArray(doc.nodes)) return doc;
  if (isApiPrompt(doc)) return apiToGraph(doc, defs);
  throw new Error(`${source}: neither litegraph workflow JSON (with "nodes") nor API JSON (nodes with "class_type"); got ${describe(doc)}`);
}

/** @param {any} v @returns {v is [string|number, number]} */
function isLink(v) {
  return Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || typeof v[0] === 'number') && Number.isInteger(v[1]);
}
