// Benchmark: the longest task on the main thread per page, for the biggest
// inputs the tests generate (issue 12, "bounded work on the main thread").
//
//   node tests/browser/bench-longtask.mjs [--models 10000] [--executions 20000] [--log-lines 200000]
//
// `--only <text>` keeps the pages whose name contains it; `--reuse` the store already written;
// `--out <dir>` another store than target/bench-longtask-api (so a bigger run
// does not overwrite it), e.g. `--models 20000 --out target/bench-longtask-20k --only Explore`.
// A reused store without the long log (bench-graph.mjs's) measures only
// the pages that need none. Needs a release build in dist/. One generated store holds a run of
// --executions executions over --models models (the lineage) and one
// execution whose log has --log-lines lines. Each page is opened fresh with a
// `longtask` PerformanceObserver installed before the app starts; the figures
// printed are, from navigation until the page is drawn and 1.5 s of quiet,
// the longest task, the number of tasks over 50 ms and their sum. The "log
// only" rows count only the tasks of an action on a page already drawn and
// quiet ("drawn in" is then from the action to its result). Where the app
// marked reading a log ("runlens:log:fetched", "runlens:log:read",
// "runlens:log:shown"), two more rows split the long tasks between reading
// it and showing it ("drawn in": between the marks).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT, readApi } from './harness.mjs';

const args = process.argv.slice(2);
const arg = (f, d) => { const i = args.indexOf(f); return i >= 0 ? Number(args[i + 1]) : d; };
const models = arg('--models', 10000);
const executions = arg('--executions', 20000);
const logLines = arg('--log-lines', 200000);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
const out = path.resolve(ROOT, args.includes('--out') ? args[args.indexOf('--out') + 1] : 'target/bench-longtask-api');

// `--reuse` keeps the store of the last run (same sizes) rather than building
// runlens-gen and writing it again.
if (!(args.includes('--reuse') && fs.existsSync(path.join(out, 'environments.json')))) {
  execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'runlens-gen', '--', '--out', out,
    '--models', String(models), '--executions', String(executions), '--log-lines', String(logLines)],
  { cwd: ROOT, stdio: 'inherit' });
}
const runId = readApi('environments/scale/activity.json', out).activity[0].id;
const run = readApi(`environments/scale/runs/${runId}.json`, out);
const longModel = run.executions.find((e) => e.log_id === 'scale-long')?.model;
const runUrl = `/environments/scale/runs/${runId}?api=/bench-api`;

const pages = [
  ['environments list', '/?api=/bench-api', '[data-testid=activities-table] tbody tr[data-id], .env-list, main h1'],
  ['environment page', '/environments/scale?api=/bench-api', '[data-testid=env-cards]'],
  [`run: Model Executions (${executions} executions)`, runUrl, '[data-testid=executions-table] tbody tr[data-model]'],
  ['run: Audits', `${runUrl}&tab=audits`, '[data-testid=audits-table] tbody tr[data-audit], [data-testid=audits-table]'],
  [`run: a ${logLines}-line log in the drawer`, `${runUrl}&exec=${encodeURIComponent(longModel)}`, '[data-testid=log-viewer] .logv__row'],
  // The log alone: the run page drawn (and quiet) first, then only what
  // opening the drawer, filtering by level and searching the log cost.
  [`log only: open its drawer on the drawn page`, `${runUrl}&q=${encodeURIComponent(longModel)}`, `tr[data-model="${longModel}"]`,
    async (page) => {
      await page.click(`tr[data-model="${longModel}"] button:has-text("View log")`);
      await page.waitForSelector('[data-testid=log-viewer] .logv__row', { timeout: 120_000 });
    }],
  [`log only: level WARN, back, search, clear`, `${runUrl}&exec=${encodeURIComponent(longModel)}`, '[data-testid=log-viewer] .logv__row',
    async (page) => {
      for (const [sel, v, ev] of [['log-level', 'warn', 'change'], ['log-level', 'debug', 'change'],
        ['log-search', 'spilling', 'input'], ['log-search', '', 'input']]) {
        await page.evaluate(([sel, v, ev]) => {
          const el = document.querySelector(`[data-testid=${sel}]`);
          el.value = v;
          el.dispatchEvent(new Event(ev, { bubbles: true }));
        }, [sel, v, ev]);
        await page.waitForTimeout(500);
      }
    }],
  [`run: Explore (${models}-model lineage)`, `${runUrl}&tab=explore`, '[data-testid=graph] g.node'],
];

const h = await launch({ mounts: { '/bench-api': out } });
const rows = [];
try {
  const wanted = pages.filter(([n, url, ready]) => n.toLowerCase().includes(only.toLowerCase())
    && (longModel !== undefined || !`${url}${ready}`.includes('undefined')));
  for (const [name, url, ready, act] of wanted) {
    const page = await h.page({ viewport: { width: 1440, height: 1000 }, fixedClock: false });
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
        .observe({ type: 'longtask', buffered: true });
    });
    const t0 = Date.now();
    await page.goto(`${h.base}${url}`);
    await page.waitForSelector(ready, { timeout: 120_000 });
    let drawnMs = Date.now() - t0;
    await page.waitForTimeout(1500);
    let since = 0;
    if (act) {
      // Only the action's tasks count (the page before it is measured above).
      since = await page.evaluate(() => { window.__longTasks = []; return performance.now(); });
      const t1 = Date.now();
      await act(page);
      drawnMs = Date.now() - t1;
      await page.waitForTimeout(1500);
    }
    const [entries, marks] = await page.evaluate(() => [window.__longTasks,
      Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]))]);
    const tasks = entries.map(([, d]) => d);
    const max = tasks.length ? Math.max(...tasks) : 0;
    rows.push({ name, drawnMs, max, count: tasks.length, sum: tasks.reduce((a, b) => a + b, 0) });
    // A log's own tasks, by the app's marks: fetched -> read (the reader's
    // steps), read -> shown (the viewer's first draw).
    const within = (from, to) => entries.filter(([s, d]) => s + d >= marks[from] && s <= marks[to]).map(([, d]) => d);
    if (marks['runlens:log:read'] !== undefined && marks['runlens:log:fetched'] >= since) {
      const reading = within('runlens:log:fetched', 'runlens:log:read');
      const showing = within('runlens:log:read', 'runlens:log:shown');
      rows.push({ name: '  of which reading the log', max: Math.max(0, ...reading), count: reading.length, sum: reading.reduce((a, b) => a + b, 0),
        drawnMs: Math.round(marks['runlens:log:read'] - marks['runlens:log:fetched']) });
      rows.push({ name: '  of which showing the read log', max: Math.max(0, ...showing), count: showing.length, sum: showing.reduce((a, b) => a + b, 0),
        drawnMs: Math.round(marks['runlens:log:shown'] - marks['runlens:log:read']) });
    }
    await page.context().close();
  }
} finally {
  await h.close();
}
console.log(`\nLongest main-thread task per page (release build, headless Chromium; tasks over 50 ms are "long tasks")`);
console.log(`  ${'page'.padEnd(46)} ${'drawn in'.padStart(9)} ${'longest'.padStart(9)} ${'long tasks'.padStart(10)} ${'their sum'.padStart(10)}`);
for (const r of rows) {
  console.log(`  ${r.name.padEnd(46)} ${`${r.drawnMs} ms`.padStart(9)} ${`${r.max.toFixed(0)} ms`.padStart(9)} ${String(r.count).padStart(10)} ${`${r.sum.toFixed(0)} ms`.padStart(10)}`);
}
const over = rows.filter((r) => r.max > 50);
console.log(over.length ? `\n  over the 50 ms goal: ${over.map((r) => r.name).join('; ')}` : '\n  every page within the 50 ms goal');
