// Benchmark: does memory settle? 200 client-side navigations between runs,
// tabs and drawers of the demo data (issue 12, "Memory").
//
//   node tests/browser/bench-memory.mjs [--steps 200]
//
// Needs a release build in dist/. The app is loaded once; every step is an
// in-app navigation (history.pushState + popstate, as a link click does)
// followed by waiting for the page to be drawn. After step 20 (settled) and
// after the last step, garbage is collected (CDP HeapProfiler.collectGarbage)
// and the JS heap (Runtime.getHeapUsage) and the wasm memory (the size of the
// module's WebAssembly.Memory, which only grows) are printed, with the growth
// from step 20 to the end. The script holds no element handle (see below).
import { launch, readApi } from './harness.mjs';

const args = process.argv.slice(2);
const arg = (f, d) => { const i = args.indexOf(f); return i >= 0 ? Number(args[i + 1]) : d; };
const steps = arg('--steps', 200);

const envs = readApi('environments.json').environments.map((e) => e.name);
const targets = [];
for (const env of envs) {
  targets.push([`/environments/${env}`, '[data-testid=env-cards]']);
  for (const a of readApi(`environments/${env}/activity.json`).activity.filter((x) => x.kind === 'run').slice(0, 3)) {
    const run = readApi(`environments/${env}/runs/${a.id}.json`);
    const base = `/environments/${env}/runs/${a.id}`;
    targets.push([base, '[data-testid=executions-table] tbody tr[data-model]']);
    const withLog = run.executions.find((e) => e.log_id);
    if (withLog) targets.push([`${base}?exec=${encodeURIComponent(withLog.model)}`, '[data-testid=log-viewer] .logv__row']);
    if (run.audits.length) targets.push([`${base}?tab=audits`, '[data-testid=audits-table] tbody tr[data-audit]']);
    targets.push([`${base}?tab=explore`, '[data-testid=graph] g.node']);
  }
}
targets.push(['/', '[data-testid=activities-table] tbody tr[data-id], main h1']);

const h = await launch();
try {
  const page = await h.page({ fixedClock: false });
  await page.addInitScript(() => {
    // Keep a handle on the app's wasm memory.
    const keep = (r) => {
      const inst = r && (r.instance || r);
      const mem = inst && inst.exports && inst.exports.memory;
      if (mem) window.__wasmMemory = mem;
      return r;
    };
    const s = WebAssembly.instantiateStreaming;
    if (s) WebAssembly.instantiateStreaming = (...a) => s(...a).then(keep);
    const i = WebAssembly.instantiate;
    WebAssembly.instantiate = (...a) => i(...a).then(keep);
  });
  const cdp = await page.context().newCDPSession(page);
  await page.goto(`${h.base}/`);
  await page.waitForSelector('main h1');
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await page.waitForTimeout(200);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const wasm = await page.evaluate(() => (window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : 0));
    const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
    return { heap, wasm, dom };
  };
  let settled;
  const series = [];
  const t0 = Date.now();
  for (let i = 1; i <= steps; i++) {
    const [url, ready] = targets[i % targets.length];
    await page.evaluate((url) => {
      history.pushState({}, '', url);
      dispatchEvent(new PopStateEvent('popstate', { state: {} }));
    }, url);
    // A locator, not waitForSelector: that returns an element handle which
    // Playwright keeps (a DevTools "console" handle) until disposed, and so
    // keeps every page's detached DOM alive, as a leak of the app would.
    await page.locator(ready).first().waitFor({ timeout: 30_000 });
    if (i === 20) settled = await measure();
    // After each full round of the pages: does it keep growing (a leak) or
    // level off once every page was seen (caches warm)?
    if (i % targets.length === 0 || i === steps) series.push([i, await measure()]);
  }
  const end = await measure();
  const mb = (b) => `${(b / 1048576).toFixed(2)} MB`;
  const pct = (a, b) => `${(((b - a) / a) * 100).toFixed(1)} %`;
  console.log(`\nMemory over ${steps} in-app navigations across ${targets.length} pages (runs, tabs, drawers; release build, headless Chromium, after GC)`);
  console.log(`  JS heap:     after 20: ${mb(settled.heap)}   after ${steps}: ${mb(end.heap)}   growth ${pct(settled.heap, end.heap)}`);
  console.log(`  wasm memory: after 20: ${mb(settled.wasm)}   after ${steps}: ${mb(end.wasm)}   growth ${pct(settled.wasm, end.wasm)}`);
  console.log(`  DOM elements on the last page: ${end.dom}; ${((Date.now() - t0) / steps).toFixed(0)} ms per navigation`);
  console.log(`  after each round of the ${targets.length} pages (step: JS heap / wasm memory):`);
  console.log(`    ${series.map(([i, m]) => `${i}: ${mb(m.heap)} / ${mb(m.wasm)}`).join(', ')}`);
  if (series.length >= 3) {
    const [, first] = series[0];
    console.log(`  from the first full round (step ${series[0][0]}) to step ${steps}: JS heap ${pct(first.heap, end.heap)}, wasm memory ${pct(first.wasm, end.wasm)}`);
  }
  const ok = end.heap <= settled.heap * 1.1 && end.wasm <= settled.wasm * 1.1;
  console.log(ok ? '  within 10 % of the settled figures' : '  MORE than 10 % above the settled figures');
  if (page.errors.length) console.log(`  page errors: ${page.errors.join(' | ')}`);
} finally {
  await h.close();
}
