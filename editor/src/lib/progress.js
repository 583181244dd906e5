// @ts-check
/**
 * Follows the server's WebSocket messages for the prompts this editor queued and keeps, per node, what the canvas
 * shows: running, step progress, done (run or cached), error, and the images it produced.
 */

/**
 * @typedef {{filename: string, subfolder: string, type: string}} ImageRef
 * @typedef {{state: 'queued'|'running'|'done'|'cached'|'error', value?: number, max?: number, message?: string}} NodeState
 */

export class ExecutionTracker {
  constructor() {
    /** The prompt being followed; messages of other prompts are ignored. @type {string|null} */
    this.promptId = null;
    /** @type {Map<string, NodeState>} */
    this.nodes = new Map();
    /** @type {Map<string, ImageRef[]>} */
    this.images = new Map();
    /** @type {'idle'|'queued'|'running'|'success'|'error'|'interrupted'} */
    this.status = 'idle';
    /** @type {string|null} */
    this.error = null;
    /** @type {number|null} */
    this.queueRemaining = null;
    /**
     * Recent messages of prompts not (yet) followed: a short prompt can run before the /prompt answer that names
     * it arrives, so begin() replays what was already said about it.
     * @type {{type: string, data: any}[]}
     */
    this.early = [];
  }

  /**
   * Starts following a prompt that /prompt accepted.
   * @param {string} promptId
   * @param {Iterable<string>} nodeIds the nodes of its API JSON
   */
  begin(promptId, nodeIds) {
    this.promptId = promptId;
    this.nodes = new Map([...nodeIds].map((id) => [String(id), /** @type {NodeState} */ ({ state: 'queued' })]));
    this.images = new Map();
    this.status = 'queued';
    this.error = null;
    const early = this.early.filter((m) => m.data?.prompt_id === promptId);
    this.early = [];
    for (const m of early) this.handle(m);
  }

  /**
   * Applies one JSON message `{type, data}`. Returns whether it concerned the followed prompt.
   * @param {{type: string, data: any}} msg
   */
  handle(msg) {
    const d = msg.data ?? {};
    if (msg.type === 'status') {
      const remaining = d.status?.exec_info?.queue_remaining;
      if (typeof remaining === 'number') this.queueRemaining = remaining;
      return false;
    }
    if (this.promptId === null || d.prompt_id !== this.promptId) {
      if (d.prompt_id !== undefined) {
        this.early.push(msg);
        if (this.early.length > 500) this.early.shift();
      }
      return false;
    }
    switch (msg.type) {
      case 'execution_start':
        this.status = 'running';
        break;
      case 'execution_cached':
        for (const id of d.nodes ?? []) this.set(String(id), { state: 'cached' });
        break;
      case 'executing':
        if (d.node === null || d.node === undefined) {
          // node null: the prompt is finished (ComfyUI sends it after the last node).
          if (this.status === 'running' || this.status === 'queued') this.status = 'success';
        } else {
          this.status = 'running';
          // Nodes run one at a time: the one before is finished (ComfyUI sends `executed` only for output nodes).
          for (const [id, s] of this.nodes) if (s.state === 'running') this.nodes.set(id, { state: 'done' });
          this.set(String(d.node), { state: 'running' });
        }
        break;
      case 'progress':
        if (d.node != null) this.set(String(d.node), { state: 'running', value: Number(d.value), max: Number(d.max) });
        break;
      case 'executed': {
        const id = String(d.node);
        this.set(id, { state: 'done' });
        const images = d.output?.images;
        if (Array.isArray(images)) this.images.set(id, images.map((i) => ({ filename: String(i.filename), subfolder: String(i.subfolder ?? ''), type: String(i.type ?? 'output') })));
        break;
      }
      case 'execution_success':
        this.status = 'success';
        for (const [id, s] of this.nodes) if (s.state === 'running') this.nodes.set(id, { state: 'done' });
        break;
      case 'execution_error': {
        this.status = 'error';
        const where = d.node_id != null ? `node ${d.node_id} (${d.node_type})` : 'the prompt';
        const message = d.node_id != null ? withoutSubject(String(d.exception_message ?? 'failed'), String(d.node_id)) : String(d.exception_message ?? 'failed');
        this.error = `${where}: ${d.exception_type ? d.exception_type + ': ' : ''}${message}`;
        if (d.node_id != null) this.set(String(d.node_id), { state: 'error', message });
        break;
      }
      case 'execution_interrupted':
        this.status = 'interrupted';
        if (d.node_id != null) this.set(String(d.node_id), { state: 'error', message: 'interrupted' });
        break;
      default:
        return false;
    }
    return true;
  }

  /** @param {string} id @param {NodeState} state */
  set(id, state) {
    this.nodes.set(id, state);
  }

  /** Whether the followed prompt has ended, one way or another. */
  get finished() {
    return this.status === 'success' || this.status === 'error' || this.status === 'interrupted';
  }
}

/**
 * The URL of an output image on the server.
 * @param {ImageRef} ref
 */
export function viewUrl(ref) {
  const q = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder ?? '', type: ref.type ?? 'output' });
  return `view?${q}`;
}

/**
 * The /view URL of the file an image combo (LoadImage's) names: `name.png` and `sub/name.png` in the input folder,
 * `name.png [output]` (or `[temp]`, `[input]`) in that folder, as ComfyUI's LoadImage reads them.
 * @param {string} value
 */
export function inputImageUrl(value) {
  const m = /^(.*?)\s*\[(input|output|temp)\]$/.exec(value);
  const path = m ? m[1] : value;
  const slash = path.lastIndexOf('/');
  return viewUrl({ filename: path.slice(slash + 1), subfolder: slash < 0 ? '' : path.slice(0, slash), type: m ? m[2] : 'input' });
}

/**
 * The problems of a /prompt answer with status 400, one line each, naming the node and input.
 * @param {any} body
 * @param {(id: string) => string} nodeName
 * @returns {string[]}
 */
export function promptErrors(body, nodeName) {
  const lines = [];
  if (body?.error?.message) lines.push(body.error.message + (body.error.details ? `: ${body.error.details}` : ''));
  for (const [id, e] of Object.entries(body?.node_errors ?? {})) {
    for (const err of /** @type {any} */ (e).errors ?? []) {
      const input = err.extra_info?.input_name ? ` input '${err.extra_info.input_name}'` : '';
      const details = err.details && err.details !== err.extra_info?.input_name ? ` (${err.details})` : '';
      lines.push(`${nodeName(id)}${input}: ${withoutSubject(String(err.message ?? ''), id)}${details}`);
    }
  }
  return lines.length ? lines : ['the server refused the prompt'];
}

/**
 * A server message without its leading "node 3 (KSampler) input 'steps'" when it names the node the line already
 * names (Tessera's messages name their subject so they read well alone; the editor prefixes the node's title).
 * @param {string} message
 * @param {string} id
 */
export function withoutSubject(message, id) {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lead = new RegExp(`^node ${escaped}(?: \\([^)]*\\))?(?: input '[^']*')?(?:: | )`);
  const rest = message.replace(lead, '');
  return rest.length ? rest : message;
}
