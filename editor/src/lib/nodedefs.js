// @ts-check
/**
 * Node definitions read from the server's /object_info, in the shape the editor builds litegraph node types from.
 * Kept free of the DOM and of litegraph so node's test runner checks it directly.
 */

/**
 * @typedef {{kind: 'number', type: 'INT'|'FLOAT', default: number, min?: number, max?: number, step?: number, round?: number,
 *   controlAfterGenerate?: boolean}
 *   | {kind: 'text', default: string, multiline: boolean}
 *   | {kind: 'toggle', default: boolean}
 *   | {kind: 'combo', default: string, values: string[], imageUpload?: boolean}} WidgetSpec
 * @typedef {{name: string, type: string, optional: boolean, widget: WidgetSpec | null, tooltip?: string}} InputDef
 * @typedef {{name: string, type: string, isList: boolean, tooltip?: string}} OutputDef
 * @typedef {{type: string, displayName: string, category: string, description: string, outputNode: boolean,
 *   inputs: InputDef[], outputs: OutputDef[]}} NodeDef
 */

/** Input types that ComfyUI edits in place with a widget; every other type is a socket only. */
const WIDGET_TYPES = new Set(['INT', 'FLOAT', 'STRING', 'BOOLEAN']);

/**
 * Every node definition of an /object_info answer, by type.
 * @param {Record<string, any>} objectInfo
 * @returns {Map<string, NodeDef>}
 */
export function parseObjectInfo(objectInfo) {
  if (objectInfo === null || typeof objectInfo !== 'object' || Array.isArray(objectInfo)) {
    throw new Error('/object_info: expected an object of node types, got ' + describe(objectInfo));
  }
  const defs = new Map();
  for (const [type, info] of Object.entries(objectInfo)) defs.set(type, parseNodeInfo(type, info));
  return defs;
}

/**
 * One /object_info entry.
 * @param {string} type
 * @param {any} info
 * @returns {NodeDef}
 */
export function parseNodeInfo(type, info) {
  const where = `/object_info node '${type}'`;
  if (info === null || typeof info !== 'object') throw new Error(`${where}: expected an object, got ${describe(info)}`);
  const input = info.input ?? {};
  /** @type {InputDef[]} */
  const inputs = [];
  for (const group of /** @type {const} */ (['required', 'optional'])) {
    const specs = input[group] ?? {};
    if (typeof specs !== 'object' || Array.isArray(specs)) {
      throw new Error(`${where}: input.${group} must be an object of inputs, got ${describe(specs)}`);
    }
    // input_order keeps the server's order where JSON object order could be lost on the way.
    const order = info.input_order?.[group] ?? Object.keys(specs);
    for (const name of order) {
      if (!(name in specs)) throw new Error(`${where}: input_order.${group} names '${name}', which input.${group} lacks`);
      inputs.push(parseInput(where, name, specs[name], group === 'optional'));
    }
  }
  const outTypes = info.output ?? [];
  if (!Array.isArray(outTypes)) throw new Error(`${where}: output must be a list of types, got ${describe(outTypes)}`);
  /** @type {OutputDef[]} */
  const outputs = outTypes.map((t, i) => {
    const out = {
      name: String(info.output_name?.[i] ?? t),
      type: Array.isArray(t) ? 'COMBO' : String(t),
      isList: Boolean(info.output_is_list?.[i]),
    };
    const tip = info.output_tooltips?.[i];
    return tip ? { ...out, tooltip: String(tip) } : out;
  });
  return {
    type,
    displayName: String(info.display_name || info.name || type),
    category: String(info.category || 'uncategorized'),
    description: String(info.description ?? ''),
    outputNode: Boolean(info.output_node),
    inputs,
    outputs,
  };
}

/**
 * @param {string} where
 * @param {string} name
 * @param {any} spec `[TYPE or option list, {options}?]`
 * @param {boolean} optional
 * @returns {InputDef}
 */
function parseInput(where, name, spec, optional) {
  if (!Array.isArray(spec) || spec.length < 1 || spec.length > 2) {
    throw new Error(`${where}: input '${name}' must be [type, options?], got ${describe(spec)}`);
  }
  const [typeOrValues, opts = {}] = spec;
  /** @type {InputDef} */
  const def = { name, type: '', optional, widget: null };
  if (opts.tooltip) def.tooltip = String(opts.tooltip);
  if (Array.isArray(typeOrValues)) {
    const values = typeOrValues.map(String);
    def.type = 'COMBO';
    def.widget = { kind: 'combo', values, default: opts.default !== undefined ? String(opts.default) : values[0] ?? '' };
    // image_upload: ComfyUI's LoadImage flag for "offer an upload button that adds to this list".
    if (opts.image_upload) def.widget.imageUpload = true;
    return def;
  }
  if (typeof typeOrValues !== 'string') {
    throw new Error(`${where}: input '${name}' has type ${describe(typeOrValues)}, expected a type name or an option list`);
  }
  def.type = typeOrValues;
  // forceInput: ComfyUI's way of saying "a socket, not a widget" for a primitive type.
  if (!WIDGET_TYPES.has(typeOrValues) || opts.forceInput) return def;
  switch (typeOrValues) {
    case 'INT':
    case 'FLOAT': {
      /** @type {WidgetSpec} */
      const w = { kind: 'number', type: typeOrValues, default: Number(opts.default ?? 0) };
      for (const k of /** @type {const} */ (['min', 'max', 'step', 'round'])) {
        if (typeof opts[k] === 'number' && Number.isFinite(opts[k])) w[k] = opts[k];
      }
      if (opts.control_after_generate) w.controlAfterGenerate = true;
      def.widget = w;
      break;
    }
    case 'STRING':
      def.widget = { kind: 'text', default: String(opts.default ?? ''), multiline: Boolean(opts.multiline) };
      break;
    case 'BOOLEAN':
      def.widget = { kind: 'toggle', default: Boolean(opts.default) };
      break;
  }
  return def;
}

/**
 * Node definitions grouped by category path ("image/transform" → nested), sorted by display name, for the palette.
 * @param {Iterable<NodeDef>} defs
 * @returns {{name: string, path: string, nodes: NodeDef[], children: any[]}}
 */
export function categoryTree(defs) {
  const root = { name: '', path: '', nodes: /** @type {NodeDef[]} */ ([]), children: /** @type {any[]} */ ([]) };
  for (const def of defs) {
    let here = root;
    for (const part of def.category.split('/').filter(Boolean)) {
      let next = here.children.find((c) => c.name === part);
      if (!next) {
        next = { name: part, path: here.path ? `${here.path}/${part}` : part, nodes: [], children: [] };
        here.children.push(next);
      }
      here = next;
    }
    here.nodes.push(def);
  }
  /** @param {any} n */
  const sort = (n) => {
    n.nodes.sort((/** @type {NodeDef} */ a, /** @type {NodeDef} */ b) => a.displayName.localeCompare(b.displayName));
    n.children.sort((/** @type {any} */ a, /** @type {any} */ b) => a.name.localeCompare(b.name));
    n.children.forEach(sort);
  };
  sort(root);
  return root;
}

/**
 * Whether an output of type `from` may feed an input of type `to`, by ComfyUI's rule: equal names, either side "*",
 * or a comma-separated list on either side sharing a name. A COMBO input takes any COMBO output.
 * @param {string} from
 * @param {string} to
 */
export function typesMatch(from, to) {
  // An empty type is litegraph's "any", like "*".
  if (from === '*' || to === '*' || from === '' || to === '') return true;
  const a = from.toUpperCase().split(',').map((s) => s.trim());
  const b = to.toUpperCase().split(',').map((s) => s.trim());
  return a.some((t) => b.includes(t));
}

/** @param {unknown} v */
export function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}
