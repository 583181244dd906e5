import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnLayout, GAP_X, GAP_Y } from '../src/lib/autolayout.js';

/** The SD1.5 txt2img graph: loader, two encoders, empty latent, sampler, decode, save; sizes as the editor's. */
const BOXES = [
  { id: 9, width: 250, height: 60, sources: [8] },
  { id: 3, width: 300, height: 290, sources: [4, 6, 7, 5] },
  { id: 4, width: 320, height: 120, sources: [] },
  { id: 5, width: 260, height: 130, sources: [] },
  { id: 6, width: 420, height: 130, sources: [4] },
  { id: 7, width: 420, height: 130, sources: [4] },
  { id: 8, width: 220, height: 70, sources: [3, 4] },
];

function overlaps(a, pa, b, pb) {
  return pa[0] < pb[0] + b.width && pb[0] < pa[0] + a.width && pa[1] < pb[1] + b.height && pb[1] < pa[1] + a.height;
}

test('columns follow the dependency depth and each link goes left to right', () => {
  const pos = columnLayout(BOXES);
  const x = (id) => pos.get(id)[0];
  assert.equal(x(4), 60);
  assert.equal(x(5), 60, 'nodes without inputs share the first column');
  assert.equal(x(6), 60 + 320 + GAP_X, 'the second column starts after the widest node of the first');
  assert.equal(x(3), x(6) + 420 + GAP_X);
  assert.equal(x(8), x(3) + 300 + GAP_X);
  for (const b of BOXES) for (const s of b.sources) assert.ok(x(s) < x(b.id), `${s} -> ${b.id}`);
});

test('no two nodes overlap, and a column stacks its nodes with the gap', () => {
  const pos = columnLayout(BOXES);
  for (const a of BOXES) {
    for (const b of BOXES) {
      if (a !== b) assert.ok(!overlaps(a, pos.get(a.id), b, pos.get(b.id)), `${a.id} and ${b.id} overlap`);
    }
  }
  const first = [4, 5].map((id) => pos.get(id)[1]).sort((p, q) => p - q);
  assert.deepEqual(first, [60, 60 + 120 + GAP_Y]);
});

test('in a column, nodes are ordered by where their inputs are', () => {
  // 2 feeds from the lower of the two roots, 3 from the upper: 3 goes first although listed second.
  const pos = columnLayout([
    { id: 1, width: 100, height: 100, sources: [] },
    { id: 0, width: 100, height: 100, sources: [] },
    { id: 2, width: 100, height: 50, sources: [0] },
    { id: 3, width: 100, height: 50, sources: [1] },
  ]);
  assert.ok(pos.get(1)[1] < pos.get(0)[1]);
  assert.ok(pos.get(3)[1] < pos.get(2)[1]);
});

test('a cycle or a link to a missing node still lays out', () => {
  const pos = columnLayout([
    { id: 'a', width: 100, height: 40, sources: ['b', 'gone'] },
    { id: 'b', width: 100, height: 40, sources: ['a'] },
  ]);
  assert.equal(pos.size, 2);
});
