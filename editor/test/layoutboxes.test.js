import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxFromDrag, layoutJson, parseLayout } from '../src/lib/layoutboxes.js';

test('a drag becomes a normalised box with sorted, clamped corners; a click none', () => {
  assert.deepEqual(boxFromDrag(300, 200, 100, 50, 400, 400), [0.25, 0.125, 0.75, 0.5]);
  assert.deepEqual(boxFromDrag(-20, 10, 200, 500, 400, 400), [0, 0.025, 0.5, 1]);
  assert.equal(boxFromDrag(10, 10, 11, 40, 400, 400), null);
});

test('Tessera JSON round-trips, pixel coordinates are normalised, other texts are refused', () => {
  const layout = parseLayout('{"caption": "two", "width": 512, "height": 256, "coordinates": "pixel",'
    + ' "instances": [{"phrase": "a cat", "box": [0, 0, 256, 128]}]}');
  assert.deepEqual(layout, { caption: 'two', width: 512, height: 256, instances: [{ phrase: 'a cat', box: [0, 0, 0.5, 0.5] }] });
  const again = parseLayout(layoutJson(layout));
  assert.deepEqual(again, layout);
  assert.deepEqual(parseLayout('  ', 768, 512), { caption: '', width: 768, height: 512, instances: [] });
  assert.throws(() => parseLayout('[[1, 2]]'), /not one Tessera JSON layout/);
  assert.throws(() => parseLayout('{"instances": [{"phrase": "x"}]}'), /instance 0 has no box/);
  assert.throws(() => parseLayout('<layout>'), /not JSON/);
});
