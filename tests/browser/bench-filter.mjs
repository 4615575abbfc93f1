// Benchmark: how long one keystroke in the Model Executions filter takes to
// update the table, on a generated run of N executions (default 5,000).
//
//   node tests/browser/bench-filter.mjs [--executions 5000] [--models 1000]
//
// Needs a release build in dist/ (scripts/test.sh or `trunk build --release`).
// For each keystroke the page records a performance mark in the input handler
// ("runlens:filter:input", set by the app), lets the reactive update run
// (microtasks, then a macrotask) and forces layout; the figure printed is
// mark -> after layout, i.e. the work that must fit in one 16 ms frame.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT, readApi } from './harness.mjs';

const args = process.argv.slice(2);
const arg = (f, d) => { const i = args.indexOf(f); return i >= 0 ? Number(args[i + 1]) : d; };
const executions = arg('--executions', 5000);
const models = arg('--models', 1000);
const out = path.join(ROOT, 'target', 'bench-api');

execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'runlens-gen', '--', '--out', out,
  '--models', String(models), '--executions', String(executions)], { cwd: ROOT, stdio: 'inherit' });
const runId = readApi('environments/scale/activity.json', out).activity[0].id;

const h = await launch({ mounts: { '/bench-api': out } });
try {
  const page = await h.page({ viewport: { width: 1440, height: 1000 }, fixedClock: false });
  const t0 = Date.now();
  await page.goto(`${h.base}/environments/scale/runs/${runId}?api=/bench-api`);
  await page.waitForSelector('[data-testid=executions-table] tbody tr[data-model]');
  const loadMs = Date.now() - t0;
  const rendered = await page.$$eval('[data-testid=executions-table] tbody tr[data-model]', (r) => r.length);

  // Type a query one character at a time, then delete it again.
  const query = 'layer_03.model_0';
  const steps = [...query].map((_, i) => query.slice(0, i + 1));
  steps.push(...steps.slice(0, -1).reverse(), '');
  const samples = [];
  for (const value of steps) {
    const r = await page.evaluate(async (value) => {
      const input = document.querySelector('input.filter');
      performance.clearMarks();
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await Promise.resolve();
      await new Promise((res) => setTimeout(res, 0));
      document.body.offsetHeight; // force style and layout
      const m = performance.getEntriesByName('runlens:filter:input')[0];
      const ms = performance.now() - m.startTime;
      return { ms, shown: document.querySelector('[data-testid=shown-count]').textContent };
    }, value);
    samples.push({ value, ...r });
  }
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const pct = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(2);
  console.log(`\nModel Executions filter, ${executions} executions of ${models} models (release build, headless Chromium)`);
  console.log(`  first render: ${loadMs} ms to a drawn table; ${rendered} rows in the DOM (windowed)`);
  console.log('  keystroke -> table updated and laid out:');
  for (const s of samples) console.log(`    ${JSON.stringify(s.value).padEnd(22)} ${s.ms.toFixed(2).padStart(7)} ms   ${s.shown}`);
  console.log(`  median ${pct(0.5)} ms, p90 ${pct(0.9)} ms, max ${ms[ms.length - 1].toFixed(2)} ms over ${ms.length} keystrokes (frame budget 16 ms)`);
} finally {
  await h.close();
  fs.rmSync(out, { recursive: true, force: true });
}
