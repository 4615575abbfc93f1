// Benchmark: open and scroll a log of N lines (default 50,000) in the log viewer.
//
//   node tests/browser/bench-log.mjs [--lines 50000]
//
// Needs a release build in dist/. Prints the time from navigation to the
// first drawn lines, the rows in the DOM, the time to switch the level
// filter and to search, and per-frame times while scrolling through the
// whole log (each step scrolls a screen and waits for the next frame).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT, readApi } from './harness.mjs';

const args = process.argv.slice(2);
const arg = (f, d) => { const i = args.indexOf(f); return i >= 0 ? Number(args[i + 1]) : d; };
const lines = arg('--lines', 50000);
const out = path.join(ROOT, 'target', 'bench-log-api');
execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'runlens-gen', '--', '--out', out,
  '--models', '200', '--executions', '200', '--log-lines', String(lines)], { cwd: ROOT, stdio: 'inherit' });
const runId = readApi('environments/scale/activity.json', out).activity[0].id;
const run = readApi(`environments/scale/runs/${runId}.json`, out);
const model = run.executions.find((e) => e.log_id === 'scale-long').model;

const h = await launch({ mounts: { '/bench-api': out } });
try {
  const page = await h.page({ viewport: { width: 1440, height: 1000 }, fixedClock: false });
  const t0 = Date.now();
  await page.goto(`${h.base}/environments/scale/runs/${runId}?api=/bench-api&exec=${encodeURIComponent(model)}`);
  await page.waitForSelector('[data-testid=log-viewer] .logv__row');
  const openMs = Date.now() - t0;
  const inDom = await page.$$eval('[data-testid=log-viewer] .logv__row', (r) => r.length);
  const timed = (fn) => page.evaluate(async (fn) => {
    const t = performance.now();
    // eslint-disable-next-line no-new-func
    new Function(fn)();
    await new Promise((r) => setTimeout(r, 0));
    document.body.offsetHeight;
    return performance.now() - t;
  }, fn);
  const levelMs = await timed(`const s = document.querySelector('[data-testid=log-level]'); s.value = 'warn'; s.dispatchEvent(new Event('change', { bubbles: true }));`);
  const backMs = await timed(`const s = document.querySelector('[data-testid=log-level]'); s.value = 'debug'; s.dispatchEvent(new Event('change', { bubbles: true }));`);
  const searchMs = await timed(`const i = document.querySelector('[data-testid=log-search]'); i.value = 'spilling'; i.dispatchEvent(new Event('input', { bubbles: true }));`);
  const matches = await page.textContent('[data-testid=log-match-count]');
  const frames = await page.evaluate(async () => {
    const el = document.querySelector('.logv__scroll');
    const times = [];
    const step = el.clientHeight;
    for (let y = 0; y < el.scrollHeight; y += step * 7) {
      const t = performance.now();
      el.scrollTop = y;
      el.dispatchEvent(new Event('scroll'));
      await new Promise((r) => requestAnimationFrame(() => r()));
      times.push(performance.now() - t);
    }
    return times;
  });
  frames.sort((a, b) => a - b);
  const pct = (p) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))].toFixed(1);
  console.log(`\nLog viewer, ${lines} lines (release build, headless Chromium)`);
  console.log(`  open (navigation -> first lines drawn): ${openMs} ms; ${inDom} rows in the DOM`);
  console.log(`  level filter to WARN: ${levelMs.toFixed(1)} ms; back to DEBUG: ${backMs.toFixed(1)} ms`);
  console.log(`  search "spilling": ${searchMs.toFixed(1)} ms (${matches})`);
  console.log(`  scroll through the log, ${frames.length} jumps: median ${pct(0.5)} ms, p90 ${pct(0.9)} ms, max ${frames[frames.length - 1].toFixed(1)} ms per jump to the next frame`);
} finally {
  await h.close();
  fs.rmSync(out, { recursive: true, force: true });
}
