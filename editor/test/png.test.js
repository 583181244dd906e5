import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { pngTextChunks, workflowFromPng } from '../src/lib/png.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, body) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])));
  return Buffer.concat([head, body, crc]);
};
/** A valid 1x1 grey PNG with the given extra chunks before IDAT. */
const png = (...extra) => {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr), ...extra, chunk('IDAT', deflateSync(Buffer.from([0, 128]))), chunk('IEND', Buffer.alloc(0)),
  ]);
};
const tEXt = (k, v) => chunk('tEXt', Buffer.concat([Buffer.from(k, 'latin1'), Buffer.from([0]), Buffer.from(v, 'utf8')]));
const iTXt = (k, v) => chunk('iTXt', Buffer.concat([Buffer.from(k, 'latin1'), Buffer.from([0, 0, 0]), Buffer.from('en'), Buffer.from([0, 0]), Buffer.from(v, 'utf8')]));

test('tEXt and uncompressed iTXt chunks are read by keyword', () => {
  const texts = pngTextChunks(png(tEXt('prompt', '{"1":{}}'), iTXt('Comment', 'ünïcode')), 'a.png');
  assert.deepEqual([...texts], [['prompt', '{"1":{}}'], ['Comment', 'ünïcode']]);
});

test('the workflow chunk is preferred over the prompt chunk', () => {
  const ui = { nodes: [], links: [] };
  const api = { 1: { class_type: 'SaveImage', inputs: {} } };
  assert.deepEqual(workflowFromPng(png(tEXt('prompt', JSON.stringify(api)), tEXt('workflow', JSON.stringify(ui))), 'b.png'), { kind: 'workflow', doc: ui });
  assert.deepEqual(workflowFromPng(png(tEXt('prompt', JSON.stringify(api))), 'c.png'), { kind: 'prompt', doc: api });
});

test('errors name the file and say what is wrong', () => {
  assert.throws(() => workflowFromPng(Buffer.from('GIF89a....'), 'x.gif'), /x.gif: not a PNG file/);
  assert.throws(() => workflowFromPng(png(tEXt('Software', 'paint')), 'plain.png'), /plain.png: no 'workflow' or 'prompt' text chunk \(it has: Software\)/);
  assert.throws(() => workflowFromPng(png(tEXt('prompt', '{oops')), 'bad.png'), /bad.png: its 'prompt' text chunk is not valid JSON/);
  // Signature (8) + IHDR (25): the tEXt chunk starts at byte 33 and is 21 bytes long.
  const whole = png(tEXt('prompt', '{}'));
  assert.throws(() => pngTextChunks(whole.subarray(0, 50), 'cut.png'), /cut.png: chunk 'tEXt' at byte 33 runs past the end of the file/);
  assert.throws(() => pngTextChunks(whole.subarray(0, 40), 'cut.png'), /cut.png: the file ends inside a chunk header at byte 33/);
});

test('a PNG without text chunks (the sample input) has none', () => {
  const bytes = readFileSync(new URL('../../sample-workflows/input/mosaic.png', import.meta.url));
  const texts = pngTextChunks(bytes, 'mosaic.png');
  assert.equal(texts.has('prompt'), false);
  assert.equal(texts.has('workflow'), false);
});
