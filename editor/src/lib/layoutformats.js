/**
 * The box dialog's reading and writing of LayoutFromJSON's text in each of its formats (docs/layout.md: Tessera
 * JSON, MIGC lists, HiCo / released MIGLoRA lists, ContextGen segment_info.json), so that drawing boxes on a layout
 * keeps it: the boxes and phrases are shown, and Apply writes the text back in the format it was in, with what the
 * dialog does not edit (other layouts of a list, file names, labels, HiCo's global entry) left as it was.
 * The server's readers (dev.tessera.layout) stay the judge: the node validates the text written here.
 */
import { parseLayout } from './layoutboxes.js';

/**
 * @typedef {import('./layoutboxes.js').Layout} Layout
 * @typedef {{ layout: Layout, write: (layout: Layout) => string }} Opened
 */

/** The formats the dialog reads and writes: LayoutFromJSON's `format` values. */
export const FORMATS = ['json', 'migc', 'hico', 'contextgen'];

/**
 * The layout at {@code index} of {@code text} in {@code format}, and how to write an edited layout back in its place.
 * An empty text opens an empty layout of width x height (512 when 0), written in {@code format}.
 * @param {string} text @param {string} format @param {number} index @param {number} width @param {number} height
 * @returns {Opened}
 */
export function openLayoutText(text, format, index = 0, width = 0, height = 0) {
  if (!FORMATS.includes(format)) throw new Error(`the format '${format}' is not one of ${FORMATS.join(', ')}`);
  const w = width || 512;
  const h = height || 512;
  const empty = !text || !text.trim();
  switch (format) {
    case 'json': return openJson(empty ? null : parse(text, 'json'), index, w, h);
    case 'migc': return openMigc(empty ? null : parse(text, 'migc', true), w, h);
    case 'hico': return openHico(empty ? null : parse(text, 'hico'), index, w, h);
    default: return openContextGen(empty ? null : parse(text, 'contextgen'), index, w, h);
  }
}

/**
 * JSON, or for MIGC's Python literals, the text with single quotes as double ones.
 * @param {string} text @param {string} format @param {boolean} [python]
 */
function parse(text, format, python = false) {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (python) {
      try {
        return JSON.parse(text.replace(/'/g, '"').replace(/\bNone\b/g, 'null'));
      } catch { /* the first error says more */ }
    }
    throw new Error(`the text is not ${format} layout JSON (${/** @type {Error} */ (e).message})`);
  }
}

/** @param {any[]} list @param {number} index @param {string} what */
function pick(list, index, what) {
  if (index < 0 || index >= list.length) {
    throw new Error(`the ${what} holds ${list.length} layout(s); index ${index} is past its end`);
  }
  return list[index];
}

const round = (/** @type {number} */ v) => Math.round(v * 10000) / 10000;
const toPixels = (/** @type {number[]} */ b, /** @type {number} */ w, /** @type {number} */ h) =>
  [Math.round(b[0] * w), Math.round(b[1] * h), Math.round(b[2] * w), Math.round(b[3] * h)];

// ---- Tessera JSON: an object, or an array of them -------------------------------------------------------------

/** @param {any} doc @param {number} index @param {number} w @param {number} h @returns {Opened} */
function openJson(doc, index, w, h) {
  const list = Array.isArray(doc) ? doc : null;
  const one = doc == null ? null : list ? pick(list, index, 'JSON array') : doc;
  const layout = parseLayout(one == null ? '' : JSON.stringify(one), w, h);
  // Keys of the instances other than phrase and box (label, mask, reference) go back unchanged.
  const extras = (one?.instances ?? []).map((/** @type {any} */ inst) => {
    const { phrase, box, bbox, ...rest } = inst ?? {};
    return rest;
  });
  layout.instances.forEach((inst, i) => { /** @type {any} */ (inst).extra = extras[i] ?? {}; });
  return {
    layout,
    write(edited) {
      /** @type {any} */
      const out = { caption: edited.caption, width: edited.width, height: edited.height, coordinates: 'normalized' };
      if (one?.layout_image !== undefined) out.layout_image = one.layout_image;
      out.instances = edited.instances.map((i) => ({ phrase: i.phrase, box: i.box.map(round), .../** @type {any} */ (i).extra }));
      if (!list) return JSON.stringify(out);
      const copy = list.slice();
      copy[index] = out;
      return JSON.stringify(copy);
    },
  };
}

// ---- MIGC: {prompt_final | prompt: [[caption, phrase...]], bboxes: [[box...]]} or [[caption, ...], [box...]] ------

/** @param {any} doc @param {number} w @param {number} h @returns {Opened} */
function openMigc(doc, w, h) {
  let key = 'prompt_final';
  let prompts = [];
  let boxes = [];
  let listForm = false;
  let nested = true;
  if (doc != null) {
    if (Array.isArray(doc)) {
      listForm = true;
      [prompts, boxes] = doc;
    } else if (doc && typeof doc === 'object') {
      key = 'prompt_final' in doc ? 'prompt_final' : 'prompt';
      prompts = doc[key];
      boxes = doc.bboxes;
    }
    if (!Array.isArray(prompts) || !Array.isArray(boxes)) {
      throw new Error('the text is not a MIGC list ({"prompt_final": [[caption, phrase, ...]], "bboxes": [[[x1, y1, x2, y2], ...]]})');
    }
    // The batch nesting ([[...]]) is unwrapped when it holds one layout.
    nested = Array.isArray(prompts[0]);
    if (nested) {
      if (prompts.length !== 1) throw new Error(`the MIGC list holds ${prompts.length} layouts; the dialog edits one`);
      prompts = prompts[0];
      boxes = boxes[0];
    }
    if (prompts.length - 1 !== boxes.length) {
      throw new Error(`the MIGC list has ${prompts.length - 1} phrases after the caption and ${boxes.length} boxes`);
    }
  }
  /** @type {Layout} */
  const layout = {
    caption: String(prompts[0] ?? ''),
    width: w,
    height: h,
    instances: boxes.map((/** @type {number[]} */ b, /** @type {number} */ i) => ({ phrase: String(prompts[i + 1] ?? ''), box: b.slice() })),
  };
  return {
    layout,
    write(edited) {
      const p = [edited.caption, ...edited.instances.map((i) => i.phrase)];
      const b = edited.instances.map((i) => i.box.map(round));
      if (listForm) return JSON.stringify(nested ? [[p], [b]] : [p, b]);
      return JSON.stringify({ [key]: nested ? [p] : p, bboxes: nested ? [b] : b });
    },
  };
}

// ---- HiCo: [[base_info, caption, obj_nums, img_size, path_img, [[phrase, [px box]], ...], crop?], ...] -----------

/** @param {any} size @returns {[number, number] | null} */
function hicoSize(size) {
  if (Array.isArray(size)) return [Number(size[0]), Number(size[1])];
  if (size && typeof size === 'object') return [Number(size.W ?? size.width), Number(size.H ?? size.height)];
  return null;
}

/** @param {any} doc @param {number} index @param {number} w @param {number} h @returns {Opened} */
function openHico(doc, index, w, h) {
  if (doc != null && !Array.isArray(doc)) throw new Error('the text is not a HiCo list (a JSON array of entries)');
  const list = doc ?? [];
  const entry = doc == null ? [{}, '', 0, { W: w, H: h }, '', [], [0, 0]] : pick(list, index, 'HiCo list').slice();
  if (!Array.isArray(entry) || entry.length < 6) throw new Error(`HiCo entry ${index} is not [base_info, caption, obj_nums, img_size, path_img, list_bbox_info, ...]`);
  const size = hicoSize(entry[3]);
  if (!size || !(size[0] > 0) || !(size[1] > 0)) throw new Error(`HiCo entry ${index} has no image size`);
  const [W, H] = size;
  const caption = String(entry[1] ?? '');
  const infos = Array.isArray(entry[5]) ? entry[5] : [];
  const first = infos[0];
  const global = first && first[0] === caption && first[1]?.[0] <= 0 && first[1]?.[1] <= 0 && first[1]?.[2] >= W && first[1]?.[3] >= H;
  const objects = global ? infos.slice(1) : infos;
  const countedGlobal = global && Number(entry[2]) === infos.length;
  /** @type {Layout} */
  const layout = {
    caption,
    width: W,
    height: H,
    instances: objects.map((/** @type {any[]} */ [phrase, b]) => ({ phrase: String(phrase), box: [b[0] / W, b[1] / H, b[2] / W, b[3] / H] })),
  };
  return {
    layout,
    write(edited) {
      const out = entry.slice();
      out[1] = edited.caption;
      const boxes = edited.instances.map((i) => [i.phrase, toPixels(i.box, W, H)]);
      out[5] = global ? [[edited.caption, first[1]], ...boxes] : boxes;
      out[2] = boxes.length + (countedGlobal ? 1 : 0);
      const copy = list.slice();
      copy[doc == null ? 0 : index] = out;
      return JSON.stringify(copy);
    },
  };
}

// ---- ContextGen segment_info.json: [{caption, layout_image, width, height?, instances: [{bbox px, ...}]}, ...] ---

/** @param {any} doc @param {number} index @param {number} w @param {number} h @returns {Opened} */
function openContextGen(doc, index, w, h) {
  const list = doc == null ? [] : Array.isArray(doc) ? doc : [doc];
  const entry = doc == null ? { caption: '', width: w, height: h, instances: [] } : pick(list, index, 'segment_info list');
  const W = Number(entry.width) || w;
  const H = Number(entry.height) || W;
  const instances = Array.isArray(entry.instances) ? entry.instances : [];
  /** @type {Layout} */
  const layout = {
    caption: String(entry.caption ?? ''),
    width: W,
    height: H,
    instances: instances.map((/** @type {any} */ inst, /** @type {number} */ i) => {
      const b = inst.bbox ?? inst.box;
      if (!Array.isArray(b) || b.length !== 4) throw new Error(`instance ${i} has no bbox [x1, y1, x2, y2]`);
      const { bbox, box, phrase, ...extra } = inst;
      return { phrase: String(phrase ?? inst.label ?? ''), box: [b[0] / W, b[1] / H, b[2] / W, b[3] / H], extra };
    }),
  };
  return {
    layout,
    write(edited) {
      const out = { ...entry, caption: edited.caption };
      out.instances = edited.instances.map((i) => ({ .../** @type {any} */ (i).extra, phrase: i.phrase, bbox: toPixels(i.box, W, H) }));
      if (!Array.isArray(doc)) return JSON.stringify(doc == null ? [out] : out);
      const copy = list.slice();
      copy[index] = out;
      return JSON.stringify(copy);
    },
  };
}
