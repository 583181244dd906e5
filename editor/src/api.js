// @ts-check
/**
 * The ComfyUI-protocol calls the editor makes. Paths are relative so the editor also works behind a reverse proxy
 * that serves the server under a sub-path.
 */

/**
 * @param {string} path
 * @returns {Promise<any>}
 */
export async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Posts a prompt. Resolves to `{ok: true, body}` or, on a validation failure (400), `{ok: false, body}`.
 * @param {object} prompt API JSON
 * @param {string} clientId
 * @param {object} workflow litegraph JSON, stored in the output PNG as ComfyUI does
 */
export async function postPrompt(prompt, clientId, workflow) {
  const res = await fetch('prompt', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt, client_id: clientId, extra_data: { extra_pnginfo: { workflow } } }),
  });
  const text = await res.text();
  /** @type {any} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`POST /prompt: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (res.status === 400) return { ok: false, body };
  if (!res.ok) throw new Error(`POST /prompt: HTTP ${res.status} ${text.slice(0, 200)}`);
  return { ok: true, body };
}

/**
 * The API prompt of a UI-format workflow by the server's converter (Tessera's `POST /tessera/workflow/api`, the one
 * `tessera run` uses). Resolves to `{prompt, notes}`, or null when the server has no such endpoint (ComfyUI).
 * @param {object} workflow litegraph JSON
 * @returns {Promise<{prompt: Record<string, any>, notes: string[]} | null>}
 */
export async function convertWorkflow(workflow) {
  const res = await fetch('tessera/workflow/api', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(workflow),
  });
  if (res.status === 404 || res.status === 405) return null;
  const text = await res.text();
  /** @type {any} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`converting the workflow: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) throw new Error(`the workflow cannot be converted: ${body?.error?.message ?? text.slice(0, 200)}`);
  return { prompt: body.prompt, notes: body.notes ?? [] };
}

/**
 * Removes prompts that wait in the queue.
 * @param {string[]} ids
 */
export async function deleteQueued(ids) {
  const res = await fetch('queue', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delete: ids }) });
  if (!res.ok) throw new Error(`POST /queue: HTTP ${res.status}`);
}

export async function interrupt() {
  const res = await fetch('interrupt', { method: 'POST' });
  if (!res.ok) throw new Error(`POST /interrupt: HTTP ${res.status}`);
}

/**
 * A WebSocket to /ws that reconnects, passing JSON messages and binary preview images on.
 * @param {string} clientId
 * @param {{onMessage: (msg: {type: string, data: any}) => void, onPreview: (blob: Blob) => void,
 *   onState: (open: boolean) => void}} handlers
 */
export function connectEvents(clientId, handlers) {
  let delay = 500;
  const open = () => {
    const url = new URL(`ws?clientId=${encodeURIComponent(clientId)}`, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      delay = 500;
      handlers.onState(true);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') {
        handlers.onMessage(JSON.parse(ev.data));
        return;
      }
      // Binary frame: 4-byte event (1 = preview image), then 4-byte image type (1 JPEG, 2 PNG), then the image.
      const view = new DataView(ev.data);
      if (view.byteLength > 8 && view.getUint32(0) === 1) {
        const mime = view.getUint32(4) === 2 ? 'image/png' : 'image/jpeg';
        handlers.onPreview(new Blob([ev.data.slice(8)], { type: mime }));
      }
    };
    ws.onclose = () => {
      handlers.onState(false);
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    };
  };
  open();
}

/**
 * Uploads an image to the server's input folder; resolves to the name LoadImage takes.
 * @param {File} file
 * @returns {Promise<string>}
 */
export async function uploadImage(file) {
  const form = new FormData();
  form.append('image', file, file.name);
  form.append('type', 'input');
  form.append('overwrite', 'true');
  const res = await fetch('upload/image', { method: 'POST', body: form });
  const text = await res.text();
  if (!res.ok) throw new Error(`upload of ${file.name}: HTTP ${res.status} ${text.slice(0, 200)}`);
  const body = JSON.parse(text);
  return body.subfolder ? `${body.subfolder}/${body.name}` : body.name;
}
