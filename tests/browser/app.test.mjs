// Browser tests of the built app on the demo snapshot (headless Chromium).
// Expectations are derived from the demo JSON in public/api, never typed in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, readApi, humanDuration, utcStamp, STATUS_LABEL } from './harness.mjs';

let h;
before(async () => { h = await launch(); });
after(async () => { await h?.close(); });

const prodActivity = () => readApi('environments/prod/activity.json').activity;
const runDoc = (env, id) => readApi(`environments/${env}/runs/${id}.json`);
const rowModels = (page) => page.$$eval('[data-testid=executions-table] tbody tr[data-model]', (trs) => trs.map((t) => t.dataset.model));

test('from / to prod to a run: the header shows the run as in the demo data', async () => {
  const page = await h.page();
  await page.goto(`${h.base}/`);
  await page.click('a[data-env=prod]');
  await page.waitForSelector('[data-testid=activities-table] tbody tr[data-id]');
  assert.equal(new URL(page.url()).pathname, '/environments/prod');

  // The newest finished run (the very newest is still in progress).
  const run = prodActivity().find((a) => a.kind === 'run' && a.end);
  const n = prodActivity().length;
  assert.equal(await page.textContent('[data-testid=activities] [data-testid=shown-count]'), `${n} of ${n} activities`);
  await page.click(`a.run-link[href$="${run.id}"]`);
  await page.waitForSelector('[data-testid=run-header]');
  assert.equal(new URL(page.url()).pathname, `/environments/prod/runs/${run.id}`);

  const doc = runDoc('prod', run.id);
  const text = async (id) => (await page.textContent(`[data-testid=${id}]`)).replace(/\s+/g, ' ').trim();
  assert.equal(await text('run-status'), STATUS_LABEL[doc.status]);
  assert.equal(await text('run-start'), `${utcStamp(doc.start)} UTC`);
  assert.equal(await text('run-end'), `${utcStamp(doc.end)} UTC`);
  assert.equal(await text('run-duration'), humanDuration(new Date(doc.end) - new Date(doc.start)));
  // Tab counts come from the run document.
  assert.match(await page.textContent('[data-tab=executions]'), new RegExp(`${doc.executions.length}$`));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('typing a filter leaves exactly the matching rows, and a reload keeps the view', async () => {
  const page = await h.page();
  const run = prodActivity().find((a) => a.kind === 'run' && a.status === 'complete' && a.end);
  const doc = runDoc('prod', run.id);
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  await page.waitForSelector('[data-testid=executions-table] tbody tr[data-model]');

  await page.click('input.filter');
  await page.keyboard.type('stg_pay');
  const expected = doc.executions
    .filter((e) => `${e.model}\n${e.error ?? ''}`.toLowerCase().includes('stg_pay'))
    .map((e) => e.model);
  assert.ok(expected.length >= 1);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=executions-table] tbody tr[data-model]').length === n, expected.length);
  assert.deepEqual(await rowModels(page), expected);
  assert.equal(await page.textContent('[data-testid=shown-count]'), `${expected.length} of ${doc.executions.length} executions`);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'stg_pay');

  // Sort by duration, descending (two clicks), then reload.
  await page.click('button.sort[data-sort=duration]');
  await page.click('button.sort[data-sort=duration]');
  const byDurDesc = doc.executions
    .filter((e) => e.model.includes('stg_pay'))
    .sort((a, b) => (b.duration_ms ?? -1) - (a.duration_ms ?? -1) || a.model.localeCompare(b.model))
    .map((e) => e.model);
  assert.deepEqual(await rowModels(page), byDurDesc);
  assert.equal(new URL(page.url()).searchParams.get('sort'), '-duration');

  await page.reload();
  await page.waitForSelector('[data-testid=executions-table] tbody tr[data-model]');
  assert.equal(await page.inputValue('input.filter'), 'stg_pay');
  assert.deepEqual(await rowModels(page), byDurDesc);
  assert.equal(await page.getAttribute('th:has(button[data-sort=duration])', 'aria-sort'), 'descending');

  // Clearing the filter brings every row back (the table draws those in view).
  await page.fill('input.filter', '');
  assert.equal(await page.textContent('[data-testid=shown-count]'), `${doc.executions.length} of ${doc.executions.length} executions`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a failed run shows its error message in the table and in full, with its log', async () => {
  const page = await h.page();
  const run = prodActivity().find((a) => a.kind === 'run' && a.status === 'failed');
  const doc = runDoc('prod', run.id);
  const failed = doc.executions.find((e) => e.status === 'failed');
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  await page.waitForSelector('[data-testid=run-header]');
  assert.equal((await page.textContent('[data-testid=run-status]')).trim(), 'Failed');

  // Status chip "Failed" leaves only the failed executions.
  await page.click('.chips button[data-status=failed]');
  const failedModels = doc.executions.filter((e) => e.status === 'failed').map((e) => e.model);
  assert.deepEqual(await rowModels(page), failedModels);
  assert.equal(new URL(page.url()).searchParams.get('status'), 'failed');

  const cell = `tr[data-model="${failed.model}"] .error-link`;
  assert.equal(await page.textContent(cell), failed.error.split('\n')[0]);
  await page.click(cell);
  await page.waitForSelector('[data-testid=error-full]');
  assert.equal(await page.textContent('[data-testid=error-full]'), failed.error);
  assert.equal(new URL(page.url()).searchParams.get('exec'), failed.model);
  const log = readApi(`logs/${failed.log_id}.json`);
  await page.waitForSelector('[data-testid=log-viewer] .logv__row');
  const lines = await page.$$eval('[data-testid=log-viewer] .logv__row .logv__msg', (els) => els.map((e) => e.textContent));
  assert.deepEqual(lines, log.lines.map((l) => l.message));
  // Escape closes the drawer and drops it from the URL.
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=exec-drawer]', { state: 'detached' });
  assert.equal(new URL(page.url()).searchParams.get('exec'), null);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('unknown run and unknown environment show a not-found page', async () => {
  const page = await h.page();
  await page.goto(`${h.base}/environments/prod/runs/00000000000000000000000000000000`);
  await page.waitForSelector('[data-testid=not-found]');
  assert.match(await page.textContent('[data-testid=not-found] h1'), /Run not found/);
  await page.goto(`${h.base}/environments/nope`);
  await page.waitForSelector('[data-testid=not-found]');
  assert.match(await page.textContent('[data-testid=not-found] h1'), /Environment not found/);
  await page.context().close();
});

test('an API that fails shows an error with a retry that recovers', async () => {
  const page = await h.page();
  let fail = true;
  await page.route('**/api/environments/prod/activity.json', (route) => (fail ? route.abort('failed') : route.continue()));
  await page.goto(`${h.base}/environments/prod`);
  await page.waitForSelector('.error-panel');
  assert.match(await page.textContent('.error-panel h2'), /could not be reached/);
  fail = false;
  await page.click('.error-panel button');
  await page.waitForSelector('[data-testid=activities-table] tbody tr[data-id]');
  await page.context().close();
});
