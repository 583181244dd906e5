/**
 * The layout a box-drawing dialog edits, and its text in Tessera's layout JSON (docs/layout.md): a caption, a
 * canvas size, and instances with a phrase and a normalised [x1, y1, x2, y2] box, top-left origin.
 */

/**
 * @typedef {{ phrase: string, box: number[] }} Instance
 * @typedef {{ caption: string, width: number, height: number, instances: Instance[] }} Layout
 */

/**
 * The layout a LayoutFromJSON text holds (Tessera JSON, normalised or pixel coordinates); an empty text is an empty
 * layout of the given size. Other formats, or a list of layouts, are refused with a message.
 * @param {string} text @param {number} width @param {number} height
 * @returns {Layout}
 */
export function parseLayout(text, width = 512, height = 512) {
  if (!text || !text.trim()) return { caption: '', width, height, instances: [] };
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`the text is not JSON (${/** @type {Error} */ (e).message}); clear it to draw a new layout`);
  }
  if (Array.isArray(doc) || typeof doc !== 'object' || doc === null || !Array.isArray(doc.instances)) {
    throw new Error('the text is not one Tessera JSON layout ({"caption", "instances": [...]}); clear it to draw a new layout');
  }
  const w = Number(doc.width) || width;
  const h = Number(doc.height) || height;
  const pixel = doc.coordinates === 'pixel';
  const instances = doc.instances.map((/** @type {any} */ inst, /** @type {number} */ i) => {
    const box = inst.box ?? inst.bbox;
    if (!Array.isArray(box) || box.length !== 4 || box.some((v) => typeof v !== 'number')) {
      throw new Error(`instance ${i} has no box [x1, y1, x2, y2]`);
    }
    const b = pixel ? [box[0] / w, box[1] / h, box[2] / w, box[3] / h] : box.slice();
    return { phrase: String(inst.phrase ?? ''), box: b };
  });
  return { caption: String(doc.caption ?? ''), width: w, height: h, instances };
}

/**
 * The layout as Tessera JSON with normalised boxes rounded to 4 decimals.
 * @param {Layout} layout
 */
export function layoutJson(layout) {
  const round = (/** @type {number} */ v) => Math.round(v * 10000) / 10000;
  return JSON.stringify({
    caption: layout.caption,
    width: layout.width,
    height: layout.height,
    coordinates: 'normalized',
    instances: layout.instances.map((i) => ({ phrase: i.phrase, box: i.box.map(round) })),
  });
}

/**
 * The normalised box a drag from (x0, y0) to (x1, y1) draws on a w x h drawing: corners sorted, clamped to the
 * canvas; null when it has no area (a click).
 * @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1 @param {number} w @param {number} h
 * @returns {number[] | null}
 */
export function boxFromDrag(x0, y0, x1, y1, w, h) {
  const clamp = (/** @type {number} */ v, /** @type {number} */ max) => Math.min(Math.max(v, 0), max);
  const left = clamp(Math.min(x0, x1), w);
  const right = clamp(Math.max(x0, x1), w);
  const top = clamp(Math.min(y0, y1), h);
  const bottom = clamp(Math.max(y0, y1), h);
  if (right - left < 2 || bottom - top < 2) return null;
  return [left / w, top / h, right / w, bottom / h];
}
