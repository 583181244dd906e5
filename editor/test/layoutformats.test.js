import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openLayoutText } from '../src/lib/layoutformats.js';

// The examples of docs/layout.md ("Formats"), which the server's readers take.
const MIGC = "{'prompt_final': [['a photo of a cat and a dog', 'a cat', 'a dog']],\n 'bboxes': [[[0.0, 0.1, 0.5, 0.9], [0.5, 0.1, 1.0, 0.9]]]}";
const HICO = JSON.stringify([[{ id: 7 }, 'a man and a dog on a beach', 3, { W: 512, H: 512 }, 'img/7.jpg',
  [['a man and a dog on a beach', [0, 0, 512, 512]], ['a man', [40, 60, 240, 500]], ['a dog', [300, 280, 500, 480]]],
  [0, 0]]]);
const CONTEXTGEN = JSON.stringify([{ caption: 'A lion is sitting on an armchair, in a living room.',
  layout_image: 'lion_armchair/lion_on_armchair.png', width: 512,
  instances: [{ image: 'lion_armchair/lion.png', bbox: [143, 79, 350, 341], label: 'lion', phrase: 'A lion sitting' }] }]);

/** Adds a box as the dialog does after a drag. */
function addBox(layout, phrase, box) {
  layout.instances.push({ phrase, box });
  return layout;
}

test('a MIGC list opens with its boxes and is written back as a MIGC list with the new box', () => {
  const { layout, write } = openLayoutText(MIGC, 'migc');
  assert.equal(layout.caption, 'a photo of a cat and a dog');
  assert.deepEqual(layout.instances.map((i) => i.phrase), ['a cat', 'a dog']);
  assert.deepEqual(layout.instances[1].box, [0.5, 0.1, 1.0, 0.9]);
  const out = JSON.parse(write(addBox(layout, 'a ball', [0.4, 0.8, 0.6, 1])));
  assert.deepEqual(out, {
    prompt_final: [['a photo of a cat and a dog', 'a cat', 'a dog', 'a ball']],
    bboxes: [[[0, 0.1, 0.5, 0.9], [0.5, 0.1, 1, 0.9], [0.4, 0.8, 0.6, 1]]],
  });
});

test('a HiCo list keeps its global entry, base info, image path and the count convention', () => {
  const { layout, write } = openLayoutText(HICO, 'hico');
  assert.equal(layout.caption, 'a man and a dog on a beach');
  assert.equal(layout.instances.length, 2, 'the global entry is not an instance');
  assert.deepEqual(layout.instances[0].box, [40 / 512, 60 / 512, 240 / 512, 500 / 512]);
  layout.instances.splice(1, 1);
  const out = JSON.parse(write(addBox(layout, 'a ball', [0.5, 0.5, 0.75, 0.625])));
  assert.deepEqual(out, [[{ id: 7 }, 'a man and a dog on a beach', 3, { W: 512, H: 512 }, 'img/7.jpg',
    [['a man and a dog on a beach', [0, 0, 512, 512]], ['a man', [40, 60, 240, 500]], ['a ball', [256, 256, 384, 320]]],
    [0, 0]]]);
});

test('a ContextGen segment_info keeps the files and labels of its instances, boxes in pixels', () => {
  const { layout, write } = openLayoutText(CONTEXTGEN, 'contextgen');
  assert.equal(layout.width, 512);
  assert.equal(layout.height, 512, 'height defaults to width');
  assert.deepEqual(layout.instances[0].box, [143 / 512, 79 / 512, 350 / 512, 341 / 512]);
  layout.caption = 'A lion in a room.';
  const out = JSON.parse(write(addBox(layout, 'a lamp', [0.75, 0, 1, 0.5])));
  assert.equal(out.length, 1);
  assert.equal(out[0].caption, 'A lion in a room.');
  assert.equal(out[0].layout_image, 'lion_armchair/lion_on_armchair.png');
  assert.deepEqual(out[0].instances[0], { image: 'lion_armchair/lion.png', label: 'lion', phrase: 'A lion sitting', bbox: [143, 79, 350, 341] });
  assert.deepEqual(out[0].instances[1], { phrase: 'a lamp', bbox: [384, 0, 512, 256] });
});

test('a JSON array edits the layout at the index and keeps the others; instance keys go back unchanged', () => {
  const doc = [
    { caption: 'first', instances: [{ phrase: 'a', box: [0, 0, 0.5, 0.5] }] },
    { caption: 'second', width: 640, height: 480, coordinates: 'pixel', layout_image: 'l.png',
      instances: [{ phrase: 'b', bbox: [64, 48, 320, 240], label: 'bee', mask: 'b.png' }] },
  ];
  const { layout, write } = openLayoutText(JSON.stringify(doc), 'json', 1);
  assert.equal(layout.caption, 'second');
  assert.deepEqual(layout.instances[0].box, [0.1, 0.1, 0.5, 0.5]);
  const out = JSON.parse(write(layout));
  assert.deepEqual(out[0], doc[0]);
  assert.deepEqual(out[1], { caption: 'second', width: 640, height: 480, coordinates: 'normalized', layout_image: 'l.png',
    instances: [{ phrase: 'b', box: [0.1, 0.1, 0.5, 0.5], label: 'bee', mask: 'b.png' }] });
});

test('an empty text opens an empty layout written in the chosen format; bad text and indexes are named', () => {
  const migc = openLayoutText('', 'migc', 0, 640, 0);
  assert.equal(migc.layout.width, 640);
  assert.equal(migc.layout.height, 512);
  assert.deepEqual(JSON.parse(migc.write(addBox(migc.layout, 'x', [0, 0, 1, 1]))), { prompt_final: [['', 'x']], bboxes: [[[0, 0, 1, 1]]] });
  assert.throws(() => openLayoutText(HICO, 'hico', 3), /holds 1 layout\(s\); index 3 is past its end/);
  assert.throws(() => openLayoutText('{nope', 'json'), /not json layout JSON/);
  assert.throws(() => openLayoutText('{}', 'paper'), /'paper' is not one of json, migc, hico, contextgen/);
});
