// What the script tests share: the server under test (from the JUnit side's environment) and small helpers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = new URL(process.env.TESSERA_URL ?? 'http://127.0.0.1:8188/');
export const REPO = process.env.TESSERA_REPO ?? new URL('../..', import.meta.url).pathname;
export const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = process.env.TESSERA_ARTIFACTS ?? '/tmp';

/** The flags that keep Chromium from reaching anything but the server under test. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function sampleWorkflow(name) {
  return JSON.parse(readFileSync(join(REPO, 'sample-workflows', name), 'utf8'));
}

export async function getJson(path) {
  const res = await fetch(new URL(path, BASE));
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return res.json();
}

/** Width and height from a PNG's IHDR, after checking the signature. */
export function pngSize(bytes) {
  const b = Buffer.from(bytes);
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (b.length < 24 || sig.some((v, i) => b[i] !== v) || b.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error(`not a PNG (${b.length} bytes, starts ${b.subarray(0, 8).toString('hex')})`);
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** The API form without titles, for comparing workflows built different ways. */
export function withoutMeta(prompt) {
  return Object.fromEntries(Object.entries(prompt).map(([id, n]) => [id, { class_type: n.class_type, inputs: n.inputs }]));
}

/** Resolves when `check()` returns a truthy value; rejects with `what` after `ms`. */
export async function waitFor(what, check, ms = 120000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
