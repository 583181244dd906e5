// @ts-check
/**
 * The queue and history panel's content from ComfyUI's `GET /queue` and `GET /history` answers: one entry per prompt,
 * newest first, with what the panel shows and what it can do (cancel a pending prompt, reload a past workflow).
 */

/**
 * @typedef {import('./progress.js').ImageRef} ImageRef
 * @typedef {{id: string, number: number, state: 'pending'|'running'|'success'|'error'|'interrupted',
 *   images: ImageRef[], workflow: any, message: string}} QueueEntry
 */

/**
 * @param {any} queue the body of GET /queue: {queue_running: [entry], queue_pending: [entries]}
 * @param {any} history the body of GET /history: {id: {prompt: entry, outputs, status}}
 * @returns {QueueEntry[]}
 */
export function queueEntries(queue, history) {
  /** @type {QueueEntry[]} */
  const out = [];
  /** @type {Set<string>} */
  const seen = new Set();
  /** @param {any} entry @param {QueueEntry['state']} state */
  const add = (entry, state, images = /** @type {ImageRef[]} */ ([]), message = '') => {
    if (!Array.isArray(entry) || entry.length < 2 || seen.has(String(entry[1]))) return;
    seen.add(String(entry[1]));
    out.push({ id: String(entry[1]), number: Number(entry[0]), state, images, workflow: entry[3]?.extra_pnginfo?.workflow ?? null, message });
  };
  for (const e of queue?.queue_running ?? []) add(e, 'running');
  for (const e of queue?.queue_pending ?? []) add(e, 'pending');
  for (const h of Object.values(history ?? {})) {
    const status = /** @type {any} */ (h)?.status;
    const str = status?.status_str;
    const messages = Array.isArray(status?.messages) ? status.messages : [];
    const interrupted = messages.some((/** @type {any} */ m) => Array.isArray(m) && m[0] === 'execution_interrupted');
    const state = str === 'success' ? 'success' : interrupted ? 'interrupted' : 'error';
    const failure = messages.find((/** @type {any} */ m) => Array.isArray(m) && m[0] === 'execution_error')?.[1];
    const message = failure ? `node ${failure.node_id} (${failure.node_type}): ${failure.exception_message}` : '';
    add(/** @type {any} */ (h).prompt, state, imagesOf(/** @type {any} */ (h).outputs), message);
  }
  return out.sort((a, b) => b.number - a.number);
}

/** @param {any} outputs @returns {ImageRef[]} */
function imagesOf(outputs) {
  /** @type {ImageRef[]} */
  const images = [];
  for (const ui of Object.values(outputs ?? {})) {
    for (const i of /** @type {any} */ (ui)?.images ?? []) {
      images.push({ filename: String(i.filename), subfolder: String(i.subfolder ?? ''), type: String(i.type ?? 'output') });
    }
  }
  return images;
}

/**
 * The whole prompt's progress: nodes finished of those it holds, and the running node's steps.
 * @param {Map<string, import('./progress.js').NodeState>} nodes the tracker's node states
 * @returns {{done: number, total: number, fraction: number, steps: {value: number, max: number} | null, running: string | null}}
 */
export function overallProgress(nodes) {
  let done = 0;
  let fraction = 0;
  /** @type {{value: number, max: number} | null} */
  let steps = null;
  /** @type {string | null} */
  let running = null;
  for (const [id, s] of nodes) {
    if (s.state === 'done' || s.state === 'cached' || s.state === 'error') done++;
    if (s.state === 'running') {
      running = id;
      if (s.max && s.max > 0) {
        steps = { value: s.value ?? 0, max: s.max };
        fraction = steps.value / steps.max;
      }
    }
  }
  const total = nodes.size;
  return { done, total, fraction: total ? Math.min(1, (done + fraction) / total) : 0, steps, running };
}
