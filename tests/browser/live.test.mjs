// Live pages (issue 11, item 4): a run in progress and an environment's
// activity are read again while the page is open, and change in place.
// The store is a copy of the demo snapshot in a temporary folder that the
// test rewrites; `?poll=1` reads every second instead of every 5 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, API_DIR, FIXED_NOW } from './harness.mjs';

let h, store;
const RUNS = 'environments/prod/runs';
const read = (rel) => JSON.parse(fs.readFileSync(path.join(store, rel), 'utf8'));
// Written to a temporary name and renamed, as the store writer does: a
// reader never sees half a document.
const write = (rel, doc) => {
  const file = path.join(store, rel);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(doc, null, 2));
  fs.renameSync(`${file}.tmp`, file);
};
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  store = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-live-'));
  fs.cpSync(API_DIR, store, { recursive: true });
  h = await launch({ mounts: { '/store': store } });
});
after(async () => {
  await h?.close();
  if (store) fs.rmSync(store, { recursive: true, force: true });
});

/// The demo's run in progress in prod, and the text of an element.
function inProgressRun() {
  const act = read('environments/prod/activity.json').activity;
  const a = act.find((x) => x.kind === 'run' && x.status === 'in_progress');
  assert.ok(a, 'the demo has a run in progress in prod');
  return a.id;
}
const text = async (page, sel) => (await page.textContent(sel)).replace(/\s+/g, ' ').trim();

test('a run in progress changes in place: statuses, progress, filter and drawer kept; it stops polling when complete', async () => {
  const id = inProgressRun();
  const rel = `${RUNS}/${id}.json`;
  const v0 = read(rel);
  const now = FIXED_NOW.getTime();
  // Version 1: heard from 8 s ago; the in-progress executions have a log (another's).
  const v1 = structuredClone(v0);
  v1.refreshed_at = iso(now - 8000);
  const someLog = v0.executions.find((e) => e.log_id).log_id;
  for (const e of v1.executions) if (e.status === 'in_progress') e.log_id = someLog;
  write(rel, v1);
  const planned = v1.executions.filter((e) => e.status !== 'not_scheduled').length;
  const finished = (doc) => doc.executions.filter((e) => ['complete', 'failed', 'skipped'].includes(e.status)).length;
  const running = v1.executions.filter((e) => e.status === 'in_progress');
  assert.ok(running.length >= 2 && planned > finished(v1) + running.length, 'the demo run has work left');
  const target = running[0];

  const page = await h.page();
  const asked = [];
  page.on('request', (r) => { if (r.url().endsWith(`/store/${rel}`)) asked.push(Date.now()); });
  await page.goto(`${h.base}/environments/prod/runs/${id}?api=/store&poll=1`);
  await page.waitForSelector('[data-testid=run-progress]');
  assert.equal(await text(page, '[data-testid=run-progress]'), `${finished(v1)} of ${planned} executions finished`);
  assert.equal(await text(page, '[data-testid=run-heard]'), 'Last refreshed 8 s ago');
  assert.equal(await text(page, '[data-testid=run-status]'), 'In progress');

  // The user's view: only the executions in progress, one drawer open.
  await page.click('.chips button[data-status=in_progress]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=executions-table] tbody tr[data-model]').length === n, running.length);
  await page.click(`tr[data-model="${target.model}"] button.btn--small`);
  await page.waitForSelector('[data-testid=exec-drawer]');
  assert.equal(await text(page, '[data-testid=exec-drawer] .drawer__meta [data-status]'), 'In progress');
  const url1 = page.url();
  // Marks on the DOM nodes: the same nodes must still be there after an update.
  await page.evaluate(() => {
    document.querySelector('[data-testid=executions-table]').__kept = true;
    document.querySelector('[data-testid=exec-drawer]').__kept = true;
  });

  // A read that fails keeps the page and says when it retries.
  fs.renameSync(path.join(store, rel), path.join(store, `${rel}.away`));
  await page.waitForSelector('[data-testid=refresh-failed]');
  assert.match(await text(page, '[data-testid=refresh-failed]'), /^Refresh failed, retrying in (2|4) s$/);
  assert.equal(await page.$$eval('.error-panel', (e) => e.length), 0, 'no error panel');
  assert.equal(await text(page, '[data-testid=run-progress]'), `${finished(v1)} of ${planned} executions finished`);
  fs.renameSync(path.join(store, `${rel}.away`), path.join(store, rel));
  await page.waitForSelector('[data-testid=refresh-failed]', { state: 'detached', timeout: 10_000 });

  // Version 2: the running executions finish (one fails), pending ones start.
  const v2 = structuredClone(v1);
  v2.refreshed_at = iso(now - 2000);
  let failedOne = null;
  for (const e of v2.executions) {
    if (e.status === 'in_progress') {
      e.status = failedOne ? 'complete' : 'failed';
      if (!failedOne) { failedOne = e.model; e.error = 'Binder Error: column "x" not found'; }
      e.end = iso(now - 3000);
      e.duration_ms = new Date(e.end) - new Date(e.start);
    } else if (e.status === 'pending') {
      e.status = 'in_progress';
      e.start = iso(now - 2500);
    }
  }
  write(rel, v2);
  await page.waitForFunction((want) => document.querySelector('[data-testid=run-progress]')?.textContent === want,
    `${finished(v2)} of ${planned} executions finished`, { timeout: 10_000 });
  // The filter is the same (the URL too): now the pending ones that started.
  assert.equal(page.url(), url1);
  const nowRunning = v2.executions.filter((e) => e.status === 'in_progress').map((e) => e.model).sort();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=executions-table] tbody tr[data-model]').length === n, nowRunning.length);
  const rows = await page.$$eval('[data-testid=executions-table] tbody tr[data-model]', (trs) => trs.map((t) => t.dataset.model).sort());
  assert.deepEqual(rows, nowRunning);
  assert.equal(await page.getAttribute('.chips button[data-status=in_progress]', 'aria-pressed'), 'true');
  // The drawer is still open, on the same execution, now finished.
  assert.equal(await text(page, '[data-testid=exec-drawer] h2'), target.model);
  const want = target.model === failedOne ? 'Failed' : 'Complete';
  assert.equal(await text(page, '[data-testid=exec-drawer] .drawer__meta [data-status]'), want);
  // Counts on the chips and the health strip follow.
  assert.match(await text(page, '.chips button[data-status=failed]'), /^Failed 1$/);
  assert.match(await text(page, '[data-testid=health]'), /1 model failed/);
  assert.deepEqual(await page.evaluate(() => [
    document.querySelector('[data-testid=executions-table]').__kept,
    document.querySelector('[data-testid=exec-drawer]').__kept,
  ]), [true, true], 'the table and the drawer were updated in place, not drawn anew');
  assert.equal(await page.$$eval('.loading', (l) => l.length), 0, 'nothing shows a loading state');

  // Silence: the clock moves on 14 minutes without news.
  await page.clock.setFixedTime(new Date(now + 14 * 60_000));
  await page.waitForFunction(() => /^No news/.test(document.querySelector('[data-testid=run-heard]')?.textContent ?? ''));
  assert.equal(await text(page, '[data-testid=run-heard]'),
    `No news from this run for 14 min (last event ${iso(now - 2000).slice(11, 16)} UTC)`);

  // Version 3: the run ends. The header says so, the polling stops.
  const v3 = structuredClone(v2);
  for (const e of v3.executions) {
    if (e.status === 'in_progress' || e.status === 'pending') {
      e.status = 'complete';
      e.end = iso(now - 1000);
      e.duration_ms = new Date(e.end) - new Date(e.start);
    }
  }
  v3.status = 'failed';
  v3.end = iso(now - 1000);
  v3.refreshed_at = v3.end;
  write(rel, v3);
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent.trim() === 'Failed', null, { timeout: 10_000 });
  assert.equal(await page.$$eval('[data-testid=run-live]', (l) => l.length), 0, 'no progress once finished');
  assert.equal(await text(page, '[data-testid=run-end]'), `${iso(now - 1000).slice(0, 19).replace('T', ' ')} UTC`);
  assert.equal(await text(page, '[data-testid=exec-drawer] h2'), target.model);
  await sleep(500);
  const count = asked.length;
  await sleep(3500);
  assert.equal(asked.length, count, 'no more requests for a finished run');
  assert.deepEqual(page.errors, []);
  await page.context().close();
  write(rel, v0);
});

test('polls are conditional (304 when unchanged); a hidden tab does not poll and reads at once when shown again', async () => {
  const id = inProgressRun();
  const rel = `${RUNS}/${id}.json`;
  const page = await h.page();
  const asked = [];
  page.on('request', (r) => { if (r.url().endsWith(`/store/${rel}`)) asked.push(Date.now()); });
  await page.goto(`${h.base}/environments/prod/runs/${id}?api=/store&poll=1`);
  await page.waitForSelector('[data-testid=run-progress]');
  const setHidden = (hidden) => page.evaluate((v) => {
    Object.defineProperty(document, 'hidden', { value: v, configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }, hidden);
  // What the server answered: an unchanged document is revalidated, a 304.
  const answers = [];
  const onRequest = (req, res) => { if (req.url.endsWith(`/store/${rel}`)) res.on('finish', () => answers.push(res.statusCode)); };
  h.server.on('request', onRequest);
  await sleep(1500);
  assert.ok(asked.length >= 2, `polled while visible (${asked.length} requests)`);
  h.server.off('request', onRequest);
  assert.ok(answers.length >= 1 && answers.every((s) => s === 304), `conditional requests answered 304: ${answers}`);
  await setHidden(true);
  // A read already in flight may still be reported (events arrive late under load).
  await sleep(1000);
  const hiddenAt = asked.length;
  await sleep(3000);
  assert.equal(asked.length, hiddenAt, 'no requests while hidden');
  // Paused means no timer at all: only the visibility change can read again.
  await setHidden(false);
  const shown = Date.now();
  while (asked.length === hiddenAt && Date.now() - shown < 2000) await sleep(50);
  assert.ok(asked.length > hiddenAt, 'read when shown again');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('leaving a run page in progress leaves no poller behind', async () => {
  const id = inProgressRun();
  const rel = `${RUNS}/${id}.json`;
  const page = await h.page();
  const asked = [];
  page.on('request', (r) => { if (r.url().endsWith(`/store/${rel}`)) asked.push(Date.now()); });
  await page.goto(`${h.base}/environments/prod/runs/${id}?api=/store&poll=1`);
  await page.waitForSelector('[data-testid=run-progress]');
  await sleep(1500);
  assert.ok(asked.length >= 2);
  // The previous run: the same page component, showing another run.
  await page.click('a.run-nav__prev');
  await page.waitForFunction((i) => !location.pathname.endsWith(i), id);
  await page.waitForSelector('[data-testid=run-status]');
  await sleep(1000); // events of a read already in flight may arrive late under load
  const left = asked.length;
  await sleep(3000);
  assert.equal(asked.length, left, 'no requests for the run left behind');
  assert.equal(await page.$$eval('[data-testid=run-live]', (l) => l.length), 0, 'the previous run is finished');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the environment page shows a new run without a reload', async () => {
  const page = await h.page({ viewport: { width: 1440, height: 1000 } });
  const actRel = 'environments/prod/activity.json';
  const act0 = read(actRel);
  const newestId = inProgressRun();
  await page.goto(`${h.base}/environments/prod?api=/store&poll=1`);
  await page.waitForSelector('[data-testid=activities-table] tbody tr[data-id]');
  const n = act0.activity.length;
  assert.equal(await text(page, '[data-testid=activities] [data-testid=shown-count]'), `${n} of ${n} activities`);
  // The user's view of the table: only runs.
  await page.click('.seg__btn[data-kind=run]');
  const runs0 = act0.activity.filter((a) => a.kind === 'run').length;
  await page.waitForFunction((want) => document.querySelector('[data-testid=activities] [data-testid=shown-count]')?.textContent === want, `${runs0} of ${n} activities`);
  await page.evaluate(() => { document.querySelector('[data-testid=activities-table]').__kept = true; });

  // A new run starts: the recorder writes its document and the activity.
  const newId = 'abcdef0123456789abcdef0123456789';
  const run = read(`${RUNS}/${newestId}.json`);
  const start = iso(FIXED_NOW.getTime() - 60_000);
  write(`${RUNS}/${newId}.json`, { ...run, id: newId, start, refreshed_at: iso(FIXED_NOW.getTime() - 5000), previous_run_id: newestId });
  const act1 = structuredClone(act0);
  act1.activity.unshift({ id: newId, kind: 'run', status: 'in_progress', start });
  const old = act1.activity.find((a) => a.id === newestId);
  old.status = 'complete';
  old.end = iso(FIXED_NOW.getTime() - 120_000);
  write(actRel, act1);

  await page.waitForSelector(`tr[data-id="${newId}"]`, { timeout: 15_000 });
  assert.match(await text(page, `tr[data-id="${newId}"]`), /In progress/);
  assert.match(await text(page, `tr[data-id="${newestId}"]`), /Complete/);
  assert.equal(await text(page, '[data-testid=activities] [data-testid=shown-count]'), `${runs0 + 1} of ${n + 1} activities`);
  assert.equal(await page.getAttribute('.seg__btn[data-kind=run]', 'aria-pressed'), 'true', 'the filter is kept');
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid=activities-table]').__kept), true, 'the table is updated in place');
  // The Last Run card and the chart have it too.
  await page.waitForSelector(`[data-testid=last-run] a[href$="${newId}"]`);
  await page.waitForSelector(`rect.chart__seg[data-run="${newId}"]`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  write(actRel, act0);
  fs.rmSync(path.join(store, `${RUNS}/${newId}.json`));
});

test('Explore: a new version of a run in progress recolours nodes; camera, selection and layout stay', async () => {
  const id = inProgressRun();
  const rel = `${RUNS}/${id}.json`;
  const v0 = read(rel);
  const target = v0.executions.find((e) => e.status === 'in_progress');
  const page = await h.page();
  await page.goto(`${h.base}/environments/prod/runs/${id}?api=/store&poll=1&tab=explore&model=${encodeURIComponent(target.model)}&hood=everything`);
  const node = `[data-testid=graph] g.node[data-model="${target.model}"]`;
  await page.waitForSelector(node);
  assert.equal(await page.getAttribute(node, 'data-status'), 'in_progress');
  // The user moves the camera.
  await page.click('button[aria-label="Zoom in"]');
  await page.click('button[aria-label="Zoom in"]');
  const camera = () => page.getAttribute('svg.graph__svg > g', 'transform');
  const layouts = () => page.evaluate(() => window.__runlensLayouts ?? 0);
  const before = { camera: await camera(), layouts: await layouts(), box: await page.getAttribute(node, 'transform') };
  assert.ok(before.layouts >= 1);

  const v1 = structuredClone(v0);
  const now = FIXED_NOW.getTime();
  v1.refreshed_at = iso(now - 1000);
  for (const e of v1.executions) {
    if (e.model === target.model) { e.status = 'complete'; e.end = iso(now - 1000); e.duration_ms = new Date(e.end) - new Date(e.start); }
  }
  write(rel, v1);
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.status === 'complete', node, { timeout: 10_000 });
  assert.equal(await camera(), before.camera, 'the camera did not move');
  assert.equal(await page.getAttribute(node, 'transform'), before.box, 'the node did not move');
  assert.equal(await layouts(), before.layouts, 'nothing was laid out again');
  assert.equal(await text(page, '[data-testid=model-name]'), target.model, 'the selection is kept');
  assert.equal(await text(page, '[data-testid=model-details] .details__head [data-status]'), 'Complete');
  assert.match(await text(page, `[data-testid=model-list] li[data-model="${target.model}"]`), /Complete/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  write(rel, v0);
});

test('the environments list follows environments.json without a reload', async () => {
  const rel = 'environments.json';
  const envs0 = read(rel);
  const page = await h.page();
  await page.goto(`${h.base}/?api=/store&poll=1`);
  await page.waitForSelector('a[data-env=prod] [data-status=in_progress]');
  const envs1 = structuredClone(envs0);
  const prod = envs1.environments.find((e) => e.name === 'prod');
  prod.last_run = { ...prod.last_run, status: 'complete', end: iso(FIXED_NOW.getTime() - 60_000) };
  envs1.environments.push({ name: 'staging', kind: 'dev', model_count: 3 });
  write(rel, envs1);
  await page.waitForSelector('a[data-env=prod] [data-status=complete]', { timeout: 15_000 });
  await page.waitForSelector('a[data-env=staging]');
  assert.match(await text(page, 'a[data-env=staging]'), /3 models/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  write(rel, envs0);
});

test('a drawer named in the URL opens when a later version of the run has that execution', async () => {
  const id = inProgressRun();
  const rel = `${RUNS}/${id}.json`;
  const v0 = read(rel);
  const counts = {};
  for (const e of v0.executions) counts[e.model] = (counts[e.model] ?? 0) + 1;
  const later = v0.executions.find((e) => e.status === 'pending' && counts[e.model] === 1);
  assert.ok(later, 'a pending execution with its own model');
  const v1 = structuredClone(v0);
  v1.executions = v1.executions.filter((e) => e.model !== later.model);
  write(rel, v1);
  const page = await h.page();
  await page.goto(`${h.base}/environments/prod/runs/${id}?api=/store&poll=1&exec=${encodeURIComponent(later.model)}`);
  await page.waitForSelector('[data-testid=run-progress]');
  await sleep(1500);
  assert.equal(await page.$$eval('[data-testid=exec-drawer]', (d) => d.length), 0, 'not in this version: no drawer');
  write(rel, { ...v1, executions: [...v1.executions, { ...later, status: 'in_progress', start: iso(FIXED_NOW.getTime() - 1000) }] });
  await page.waitForSelector('[data-testid=exec-drawer]', { timeout: 10_000 });
  assert.equal(await text(page, '[data-testid=exec-drawer] h2'), later.model);
  assert.equal(await text(page, '[data-testid=exec-drawer] .drawer__meta [data-status]'), 'In progress');
  assert.deepEqual(page.errors, []);
  await page.context().close();
  write(rel, v0);
});
