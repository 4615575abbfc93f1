// Benchmark: the Timeline tab on a generated run of N executions (default
// 20,000): time to the first drawn bars, then frame times while zooming
// (wheel) and scrolling the rows, with the number of bars in the DOM.
//
//   node tests/browser/bench-timeline.mjs [--executions 20000] [--models 2000]
//
// Needs a release build in dist/. Each step dispatches one input event and
// waits for the next animation frame after the update: the figure is the
// work that must fit in a 16 ms frame.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { launch, ROOT, readApi } from './harness.mjs';

const args = process.argv.slice(2);
const arg = (f, d) => { const i = args.indexOf(f); return i >= 0 ? Number(args[i + 1]) : d; };
const executions = arg('--executions', 20000);
const models = arg('--models', 2000);
const out = path.join(ROOT, 'target', 'bench-timeline-api');

execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'runlens-gen', '--', '--out', out,
  '--models', String(models), '--executions', String(executions)], { cwd: ROOT, stdio: 'inherit' });
const runId = readApi('environments/scale/activity.json', out).activity[0].id;

const h = await launch({ mounts: { '/bench-api': out } });
try {
  for (const rows of ['slot', 'layer']) {
    const page = await h.page({ viewport: { width: 1440, height: 1000 }, fixedClock: false });
    const t0 = Date.now();
    await page.goto(`${h.base}/environments/scale/runs/${runId}?api=/bench-api&tab=timeline&rows=${rows}`);
    await page.waitForSelector('[data-testid=timeline-svg] rect.tl-bar', { timeout: 120_000 });
    const openMs = Date.now() - t0;
    const result = await page.evaluate(async () => {
      const box = document.querySelector('.tl-scroll');
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const step = async (fn) => {
        const t = performance.now();
        fn();
        await frame();
        return performance.now() - t;
      };
      const zoom = [];
      const r = box.getBoundingClientRect();
      for (let i = 0; i < 12; i++) {
        zoom.push(await step(() => box.dispatchEvent(new WheelEvent('wheel', {
          deltaY: i < 8 ? -100 : 100, clientX: r.left + r.width / 2, clientY: r.top + 40, bubbles: true, cancelable: true,
        }))));
      }
      const scroll = [];
      for (let i = 0; i < 12; i++) {
        scroll.push(await step(() => { box.scrollTop += 120; box.dispatchEvent(new Event('scroll')); }));
      }
      return { zoom, scroll, bars: document.querySelectorAll('rect.tl-bar').length, rows: document.querySelectorAll('.tl-row-label').length };
    });
    const stats = (v) => {
      const s = [...v].sort((a, b) => a - b);
      return `median ${s[Math.floor(s.length / 2)].toFixed(1)} ms, worst ${s[s.length - 1].toFixed(1)} ms`;
    };
    console.log(`\nTimeline, ${executions} executions of ${models} models, rows by ${rows} (release build, headless Chromium)`);
    console.log(`  open (navigation -> bars drawn): ${openMs} ms; ${result.rows} row groups; ${result.bars} bars in the DOM at the end`);
    console.log(`  zoom (wheel) per frame: ${stats(result.zoom)}`);
    console.log(`  scroll rows per frame:  ${stats(result.scroll)}`);
    await page.context().close();
  }
} finally {
  await h.close();
}
