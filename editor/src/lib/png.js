// @ts-check
/**
 * Reads the text chunks of a PNG: Tessera's SaveImage, like ComfyUI's, stores the API prompt under `prompt` and the
 * editor's workflow under `workflow`.
 */

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * The uncompressed text chunks (tEXt, and iTXt without compression) of a PNG file, by keyword.
 * @param {ArrayBuffer | Uint8Array} data
 * @param {string} name the file's name, for errors
 * @returns {Map<string, string>}
 */
export function pngTextChunks(data, name) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error(`${name}: not a PNG file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  /** @type {Map<string, string>} */
  const texts = new Map();
  let at = 8;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new Error(`${name}: the file ends inside a chunk header at byte ${at}`);
    const length = view.getUint32(at);
    const type = latin1.decode(bytes.subarray(at + 4, at + 8));
    const start = at + 8;
    const end = start + length;
    if (end + 4 > bytes.length) throw new Error(`${name}: chunk '${type}' at byte ${at} runs past the end of the file`);
    const body = bytes.subarray(start, end);
    if (type === 'tEXt') {
      const zero = body.indexOf(0);
      if (zero > 0) texts.set(latin1.decode(body.subarray(0, zero)), utf8.decode(body.subarray(zero + 1)));
    } else if (type === 'iTXt') {
      // keyword \0 compression-flag method language \0 translated-keyword \0 text
      const k = body.indexOf(0);
      if (k > 0 && body[k + 1] === 0) {
        const lang = body.indexOf(0, k + 3);
        const translated = lang < 0 ? -1 : body.indexOf(0, lang + 1);
        if (translated >= 0) texts.set(latin1.decode(body.subarray(0, k)), utf8.decode(body.subarray(translated + 1)));
      }
    } else if (type === 'IEND') {
      break;
    }
    at = end + 4; // skip the CRC
  }
  return texts;
}

/**
 * The workflow a PNG carries: its litegraph `workflow` when present (it keeps the layout), else its API `prompt`.
 * @param {ArrayBuffer | Uint8Array} data
 * @param {string} name
 * @returns {{kind: 'workflow' | 'prompt', doc: any}}
 */
export function workflowFromPng(data, name) {
  const texts = pngTextChunks(data, name);
  for (const kind of /** @type {const} */ (['workflow', 'prompt'])) {
    const text = texts.get(kind);
    if (text === undefined) continue;
    try {
      return { kind, doc: JSON.parse(text) };
    } catch (e) {
      throw new Error(`${name}: its '${kind}' text chunk is not valid JSON (${/** @type {Error} */ (e).message})`);
    }
  }
  const found = [...texts.keys()];
  throw new Error(`${name}: no 'workflow' or 'prompt' text chunk` + (found.length ? ` (it has: ${found.join(', ')})` : ''));
}
