/**
 * A readable layout for a graph that has none (an API-format workflow): columns by dependency depth, left to
 * right, each column as wide as its widest node, nodes stacked with a gap so none overlap, and in each column
 * ordered by where their inputs sit (fewer crossing links). Pure: sizes in, positions out.
 */

/**
 * @typedef {{ id: number|string, width: number, height: number, sources: (number|string)[] }} Box
 *   height including the title bar; sources: the nodes its inputs link from
 */

/** Gaps between columns and between nodes in a column, in canvas units. */
export const GAP_X = 50;
export const GAP_Y = 40;

/**
 * Top-left corners (of the whole node, title included) for each box.
 * @param {Box[]} boxes @param {number} [left] @param {number} [top]
 * @returns {Map<number|string, [number, number]>}
 */
export function columnLayout(boxes, left = 60, top = 60) {
  const byId = new Map(boxes.map((b) => [b.id, b]));
  /** @type {Map<number|string, number>} */
  const depth = new Map();
  /** @param {number|string} id @param {Set<number|string>} path @returns {number} */
  const depthOf = (id, path) => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    // A cycle (not runnable anyway) is cut where it closes, so the layout still ends.
    if (path.has(id)) return 0;
    path.add(id);
    let d = 0;
    for (const s of /** @type {Box} */ (byId.get(id)).sources) if (byId.has(s)) d = Math.max(d, depthOf(s, path) + 1);
    path.delete(id);
    depth.set(id, d);
    return d;
  };
  /** @type {Box[][]} */
  const columns = [];
  for (const b of boxes) (columns[depthOf(b.id, new Set())] ??= []).push(b);

  /** @type {Map<number|string, [number, number]>} */
  const pos = new Map();
  /** Each node's centre height, for ordering the next columns. */
  const middle = new Map();
  let x = left;
  for (const column of columns) {
    if (!column) continue;
    // By the mean height of the sources already placed; nodes without placed sources keep their order, after.
    const key = (/** @type {Box} */ b) => {
      const ys = b.sources.filter((s) => middle.has(s)).map((s) => middle.get(s));
      return ys.length ? ys.reduce((a, v) => a + v, 0) / ys.length : Infinity;
    };
    const ordered = column.map((b, i) => ({ b, i, k: key(b) })).sort((p, q) => (p.k - q.k) || (p.i - q.i));
    let y = top;
    let width = 0;
    for (const { b } of ordered) {
      pos.set(b.id, [x, y]);
      middle.set(b.id, y + b.height / 2);
      y += b.height + GAP_Y;
      width = Math.max(width, b.width);
    }
    x += width + GAP_X;
  }
  return pos;
}
