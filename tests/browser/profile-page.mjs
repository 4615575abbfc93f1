// Where a page's long tasks go: a Chromium trace (`RunTask` events and the
// V8 CPU profile, `disabled-by-default-v8.cpu_profiler`) from navigation
// until the page is drawn; for each main-thread task over 50 ms, the
// functions with the most time inclusive of their callees, the most self
// time, and the browser's own work in it (style, layout, GC). Names come
// from the wasm's name section, so profile a build that keeps it:
// `RUNLENS_WASM_OPT=0 trunk build --release --dist <dir>` (the post-build
// hook, scripts/split-wasm.mjs, then leaves the parts unoptimised and named).
//
//   node tests/browser/profile-page.mjs --dist <dir> [--api target/bench-longtask-api] --url <path> --ready <selector> [--top 25] [--cpu-only]
//
// `--cpu-only` skips the CPU profile and prints the longest task, in wall
// time and in the main thread's CPU time (steadier on a shared machine), and
// for each task over 50 ms only the browser's events in it.
//
// `--url` is the path after the origin, with `?api=/bench-api` (the store
// is mounted there), as in bench-longtask.mjs.
//
// `--act 'testid=value:event,…'` profiles actions on the drawn page rather
// than its drawing: once `--ready` is there (and 1.5 s later), tracing
// starts, and each step sets the value of the element with that
// `data-testid`, dispatches the event and waits 500 ms; e.g. the log's level
// filter and search of bench-longtask.mjs:
//   --act 'log-level=warn:change,log-level=debug:change,log-search=spilling:input,log-search=:input'
// A step `click=<selector>` clicks (a Playwright selector) and waits 3 s
// instead, e.g. opening the long log's drawer on the drawn run page:
//   --url '/environments/scale/runs/<id>?api=/bench-api&q=<model>' --ready 'tr[data-model="<model>"]'
//   --act 'click=tr[data-model="<model>"] button:has-text("View log")'
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : d; };
const dist = path.resolve(opt('--dist', 'dist'));
const api = path.resolve(opt('--api', 'target/bench-longtask-api'));
const url = opt('--url');
const ready = opt('--ready');
const top = Number(opt('--top', 25));
const act = opt('--act', '').split(',').filter(Boolean).map((step) => {
  if (step.startsWith('click=')) return ['click', step.slice(6)];
  const [, sel, value, ev] = step.match(/^([^=]+)=(.*):([a-z]+)$/) ?? [];
  if (!sel) throw new Error(`--act: a step is testid=value:event, got ${step}`);
  return [sel, value, ev];
});

const server = await startServer({ root: dist, mounts: { '/bench-api': api } });
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  const startTrace = () => browser.startTracing(page, {
    categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline',
      ...(args.includes('--cpu-only') ? [] : ['v8.execute', 'disabled-by-default-v8.cpu_profiler'])],
  });
  await page.goto(`${base}/favicon.svg`);
  if (!act.length) await startTrace();
  await page.goto(`${base}${url}`);
  await page.waitForSelector(ready, { timeout: 120_000 });
  await page.waitForTimeout(1500);
  if (act.length) {
    await startTrace();
    for (const step of act) {
      if (step[0] === 'click') {
        await page.click(step[1]);
        await page.waitForTimeout(3000);
        continue;
      }
      await page.evaluate(([sel, v, ev]) => {
        const el = document.querySelector(`[data-testid=${sel}]`);
        el.value = v;
        el.dispatchEvent(new Event(ev, { bubbles: true }));
      }, step);
      await page.waitForTimeout(500);
    }
    await page.waitForTimeout(1000);
  }
  const trace = JSON.parse((await browser.stopTracing()).toString());
  report(trace.traceEvents ?? trace);
} finally {
  await browser.close();
  server.close();
}

function report(events) {
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`));
  // Samples of the CPU profiles: [time (us), node] per profile id.
  const nodes = new Map();
  const samples = [];
  const clock = new Map();
  for (const e of events) {
    if (e.name === 'Profile') clock.set(`${e.pid}:${e.id}`, e.args.data.startTime);
    if (e.name !== 'ProfileChunk') continue;
    const key = `${e.pid}:${e.id}`;
    const d = e.args.data;
    for (const n of d.cpuProfile?.nodes ?? []) nodes.set(`${key}:${n.id}`, { ...n, key });
    let t = clock.get(key) ?? 0;
    const ss = d.cpuProfile?.samples ?? [];
    for (let i = 0; i < ss.length; i++) {
      t += d.timeDeltas[i];
      samples.push([t, `${key}:${ss[i]}`]);
    }
    clock.set(key, t);
  }
  samples.sort((a, b) => a[0] - b[0]);
  const name = (n) => {
    const f = n.callFrame;
    return f.functionName || (f.url ? `(anonymous ${path.basename(f.url)}:${f.lineNumber})` : '(anonymous)');
  };
  const long = tasks.filter((t) => t.dur > 50_000).sort((a, b) => a.ts - b.ts);
  const t0 = Math.min(...tasks.map((t) => t.ts));
  console.log(`${tasks.length} tasks, ${long.length} over 50 ms: ${long.map((t) => `${(t.dur / 1000).toFixed(0)}`).join(', ')} ms`);
  // Thread time (CPU) of each task: what the task costs when the machine is
  // not shared (wall time stretches when other processes take the cores).
  const cpu = tasks.filter((t) => t.tdur !== undefined).map((t) => t.tdur / 1000);
  const overCpu = cpu.filter((c) => c > 50).sort((a, b) => b - a);
  console.log(`longest task: ${(Math.max(...tasks.map((t) => t.dur)) / 1000).toFixed(0)} ms wall, ${Math.max(...cpu).toFixed(0)} ms CPU; over 50 ms of CPU: ${overCpu.map((c) => c.toFixed(0)).join(', ') || 'none'}`);
  const cpuOnly = args.includes('--cpu-only');
  for (const t of long) {
    const incl = new Map();
    const self = new Map();
    const inside = samples.filter(([ts]) => ts >= t.ts && ts <= t.ts + t.dur);
    const each = inside.length ? t.dur / 1000 / inside.length : 0;
    for (const [, id] of inside) {
      const n = nodes.get(id);
      if (!n) continue;
      self.set(name(n), (self.get(name(n)) ?? 0) + each);
      const seen = new Set();
      for (let x = n; x; x = x.parent !== undefined ? nodes.get(`${n.key}:${x.parent}`) : undefined) {
        const nm = name(x);
        if (seen.has(nm)) continue;
        seen.add(nm);
        incl.set(nm, (incl.get(nm) ?? 0) + each);
      }
    }
    // Other events inside the task (style, layout, parse, GC) by name.
    const sub = new Map();
    for (const e of events) {
      if (e.ph === 'X' && e.pid === t.pid && e.tid === t.tid && e.ts > t.ts && e.ts < t.ts + t.dur && e.name !== 'RunTask'
        && ['UpdateLayoutTree', 'Layout', 'ParseHTML', 'MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'Paint', 'PrePaint', 'UpdateLayerTree', 'Commit', 'FunctionCall', 'RunMicrotasks', 'EventDispatch', 'TimerFire', 'v8.compile', 'v8.compileModule', 'HitTest'].includes(e.name)) {
        sub.set(e.name, (sub.get(e.name) ?? 0) + e.dur / 1000);
      }
    }
    console.log(`${cpuOnly ? '' : '\n'}== task of ${(t.dur / 1000).toFixed(1)} ms (${((t.tdur ?? 0) / 1000).toFixed(0)} ms CPU) at ${((t.ts - t0) / 1000).toFixed(0)} ms (${inside.length} samples): ${[...sub].map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
    if (cpuOnly) continue;
    const rows = (m) => [...m].sort((x, y) => y[1] - x[1]).slice(0, top);
    console.log('  inclusive:');
    for (const [n, ms] of rows(incl)) console.log(`    ${ms.toFixed(1).padStart(7)} ms  ${n.slice(0, 160)}`);
    console.log('  self:');
    for (const [n, ms] of rows(self).slice(0, 15)) console.log(`    ${ms.toFixed(1).padStart(7)} ms  ${n.slice(0, 160)}`);
  }
}
