// A node:test reporter printing one JSON line per top-level test, which NodeTestRun (node-testing) turns into one
// JUnit test each (so every script test is counted in the surefire/failsafe reports).
export default async function* lines(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.nesting !== 0 || d.details?.type === 'suite') continue;
    const error = d.details?.error;
    const cause = error?.cause ?? error;
    yield 'TESSERA-TEST ' + JSON.stringify({
      file: d.file ?? '',
      name: d.name,
      ok: event.type === 'test:pass',
      skipped: d.skip !== undefined && d.skip !== false,
      error: cause ? String(cause.stack ?? cause.message ?? cause) : null,
      ms: d.details?.duration_ms ?? 0,
    }) + '\n';
  }
}
