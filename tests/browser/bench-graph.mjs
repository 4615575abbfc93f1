// Benchmark: frame times of the lineage graph of a big generated run (issue
// 15, "pan and zoom at 60 fps"), with the number of DOM nodes in the graph.
//
//   node tests/browser/bench-graph.mjs [--models 20000] [--frames 40] [--reuse]
//
// Needs a release build in dist/. Opens Explore Executions on a generated run
// of --models models (all of them executed), then measures, per frame, the
// time from one input event to the frame after it (requestAnimationFrame,
// then a task) for: a drag at the first view (boxes, 100 %), a drag after
// "Fit to view" (marks), and wheel steps over the marks. Prints median and
// worst per gesture; a frame is 16.7 ms at 60 fps.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT, readApi } from './harness.mjs';

const args = process.argv.slice(2);
const arg = (f, d) => { const i = args.indexOf(f); return i >= 0 ? Number(args[i + 1]) : d; };
const models = arg('--models', 20000);
const frames = arg('--frames', 40);
const out = path.join(ROOT, 'target', 'bench-graph-api');

// `--reuse` keeps the store of the last run (same size) rather than building
// runlens-gen and writing it again.
if (!(args.includes('--reuse') && fs.existsSync(path.join(out, 'environments.json')))) {
  execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'runlens-gen', '--', '--out', out,
    '--models', String(models), '--executions', String(models), '--log-lines', '10'],
  { cwd: ROOT, stdio: 'inherit' });
}
const runId = readApi('environments/scale/activity.json', out).activity[0].id;

const h = await launch({ mounts: { '/bench-api': out } });
const rows = [];
try {
  const page = await h.page({ viewport: { width: 1440, height: 1000 }, fixedClock: false });
  const t0 = Date.now();
  await page.goto(`${h.base}/environments/scale/runs/${runId}?api=/bench-api&tab=explore`);
  await page.waitForSelector('[data-testid=graph] g.node', { timeout: 180_000 });
  const drawn = Date.now() - t0;
  await page.locator('[data-testid=graph]').scrollIntoViewIfNeeded();
  await page.waitForTimeout(1000);

  /// Frame times of `frames` input events of one gesture, in the page.
  const gesture = (kind) => page.evaluate(async ({ kind, frames }) => {
    const el = document.querySelector('[data-testid=graph]');
    const r = el.getBoundingClientRect();
    let x = r.left + r.width / 2; const y = r.top + r.height / 2;
    const next = () => new Promise((res) => requestAnimationFrame(() => setTimeout(res, 0)));
    const times = [];
    if (kind === 'drag') el.dispatchEvent(new PointerEvent('pointerdown', { clientX: x, clientY: y, bubbles: true }));
    await next();
    for (let i = 0; i < frames; i++) {
      const t = performance.now();
      if (kind === 'drag') {
        x += i < frames / 2 ? 6 : -6;
        el.dispatchEvent(new PointerEvent('pointermove', { clientX: x, clientY: y, bubbles: true }));
      } else {
        el.dispatchEvent(new WheelEvent('wheel', { clientX: x, clientY: y, deltaY: i < frames / 2 ? 40 : -40, bubbles: true, cancelable: true }));
      }
      await next();
      times.push(performance.now() - t);
    }
    if (kind === 'drag') el.dispatchEvent(new PointerEvent('pointerup', { clientX: x, clientY: y, bubbles: true }));
    await new Promise((res) => setTimeout(res, 400));
    times.sort((a, b) => a - b);
    return {
      median: times[Math.floor(times.length / 2)], worst: times[times.length - 1],
      detail: el.dataset.detail, dom: el.querySelectorAll('svg.graph__svg *').length,
    };
  }, { kind, frames });

  rows.push(['drag, first view', await gesture('drag')]);
  await page.click('[data-testid=fit]');
  await page.waitForSelector('[data-testid=graph][data-detail=marks]');
  await page.waitForTimeout(1000);
  rows.push(['drag, fitted (marks)', await gesture('drag')]);
  rows.push(['wheel zoom, fitted (marks)', await gesture('wheel')]);
  console.log(`\nlineage graph, ${models} models: first view drawn ${drawn} ms after navigation`);
  console.log('gesture                       | mode   | median ms | worst ms | DOM nodes in the graph');
  for (const [name, r] of rows) {
    console.log(`${name.padEnd(29)} | ${r.detail.padEnd(6)} | ${r.median.toFixed(1).padStart(9)} | ${r.worst.toFixed(1).padStart(8)} | ${r.dom}`);
  }
} finally {
  await h.close();
}
