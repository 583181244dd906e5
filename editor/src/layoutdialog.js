/**
 * The box-drawing dialog of LayoutFromJSON nodes: the layout's canvas, where a drag draws an instance's box, a
 * phrase per instance and the caption. It opens the layout the node's text holds in any of LayoutFromJSON's
 * formats (at its index), and Apply writes it back in that format (lib/layoutformats.js).
 */
import { boxFromDrag } from './lib/layoutboxes.js';
import { FORMATS, openLayoutText } from './lib/layoutformats.js';

const COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45'];
const LONGEST_SIDE = 480;

/**
 * Opens the dialog for {@code node}; {@code changed} is called after Apply.
 * @param {any} node @param {() => void} changed
 */
export function openLayoutDialog(node, changed) {
  const widget = (name) => node.widgets.find((w) => w.name === name);
  const text = widget('text');
  const format = widget('format');
  const width = Number(widget('width')?.value) || 0;
  const height = Number(widget('height')?.value) || 0;
  const index = Number(widget('index')?.value) || 0;
  const kind = String(format?.value ?? 'json');
  let opened;
  let note = '';
  try {
    opened = openLayoutText(text.value, kind, index, width, height);
    if (text.value.trim()) note = `Read from the ${kind} text${index ? ` (layout ${index})` : ''}; Apply writes it back in that format.`;
  } catch (e) {
    opened = openLayoutText('', FORMATS.includes(kind) ? kind : 'json', 0, width, height);
    note = `${e.message}. Apply replaces it.`;
  }
  const layout = opened.layout;
  if (width) layout.width = width;
  if (height) layout.height = height;

  const scale = LONGEST_SIDE / Math.max(layout.width, layout.height);
  const drawW = Math.round(layout.width * scale);
  const drawH = Math.round(layout.height * scale);

  const overlay = el('div', { id: 'layout-dialog', role: 'dialog', 'aria-label': 'Draw layout boxes' });
  const panel = el('div', { class: 'layout-panel' });
  const caption = el('input', { id: 'layout-caption', type: 'text', placeholder: 'Caption of the whole image' });
  caption.value = layout.caption;
  const canvas = /** @type {HTMLCanvasElement} */ (el('canvas', { id: 'layout-canvas', width: drawW, height: drawH }));
  const list = el('ol', { id: 'layout-instances' });
  const message = el('p', { class: 'layout-note' });
  message.textContent = note || `Drag on the ${layout.width} x ${layout.height} canvas to add a box.`;
  const apply = el('button', { id: 'layout-apply' });
  apply.textContent = 'Apply';
  const cancel = el('button', { id: 'layout-cancel' });
  cancel.textContent = 'Cancel';
  panel.append(caption, canvas, message, list, el('div', { class: 'layout-buttons' }, apply, cancel));
  overlay.append(panel);
  document.body.append(overlay);

  const ctx = canvas.getContext('2d');
  let drag = null;

  function draw() {
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, drawW, drawH);
    layout.instances.forEach((inst, i) => {
      const [x1, y1, x2, y2] = inst.box;
      ctx.strokeStyle = COLORS[i % COLORS.length];
      ctx.lineWidth = 2;
      ctx.strokeRect(x1 * drawW, y1 * drawH, (x2 - x1) * drawW, (y2 - y1) * drawH);
      ctx.fillStyle = COLORS[i % COLORS.length];
      ctx.font = '13px sans-serif';
      ctx.fillText(`${i + 1} ${inst.phrase}`, x1 * drawW + 4, y1 * drawH + 15);
    });
    if (drag?.to) {
      ctx.setLineDash([4, 3]);
      ctx.strokeStyle = '#fff';
      ctx.strokeRect(drag.from[0], drag.from[1], drag.to[0] - drag.from[0], drag.to[1] - drag.from[1]);
      ctx.setLineDash([]);
    }
  }

  function renderList() {
    list.replaceChildren(...layout.instances.map((inst, i) => {
      const phrase = /** @type {HTMLInputElement} */ (el('input', { type: 'text', class: 'layout-phrase', 'aria-label': `Phrase ${i + 1}` }));
      phrase.value = inst.phrase;
      phrase.addEventListener('input', () => { inst.phrase = phrase.value; draw(); });
      const remove = el('button', { class: 'layout-remove', title: 'Remove this box' });
      remove.textContent = '×';
      remove.addEventListener('click', () => { layout.instances.splice(i, 1); renderList(); draw(); });
      const swatch = el('span', { class: 'layout-swatch' });
      swatch.style.background = COLORS[i % COLORS.length];
      return el('li', {}, swatch, phrase, remove);
    }));
  }

  const at = (ev) => {
    const r = canvas.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  };
  canvas.addEventListener('mousedown', (ev) => { drag = { from: at(ev), to: null }; });
  canvas.addEventListener('mousemove', (ev) => { if (drag) { drag.to = at(ev); draw(); } });
  window.addEventListener('mouseup', onUp);
  function onUp(ev) {
    if (!drag) return;
    const [x1, y1] = at(ev);
    const box = boxFromDrag(drag.from[0], drag.from[1], x1, y1, drawW, drawH);
    drag = null;
    if (box) {
      layout.instances.push({ phrase: `object ${layout.instances.length + 1}`, box });
      renderList();
      /** @type {HTMLInputElement} */ (list.lastElementChild.querySelector('input')).select();
    }
    draw();
  }

  function close() {
    window.removeEventListener('mouseup', onUp);
    overlay.remove();
  }
  cancel.addEventListener('click', close);
  apply.addEventListener('click', () => {
    layout.caption = caption.value;
    text.value = opened.write(layout);
    if (format && !FORMATS.includes(kind)) format.value = 'json';
    node.setDirtyCanvas(true, true);
    close();
    changed();
  });
  overlay.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') close(); });
  renderList();
  draw();
  caption.focus();
}

/** @param {string} tag @param {Record<string, any>} attrs @param {...Node} children */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}
