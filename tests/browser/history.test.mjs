// A run history kept by runlens-ingest: three real dbt builds of
// tests/dbt/history (scripts/test.sh builds them and ingests each with its
// JSON log into tests/dbt/history/store), opened through ?api= as a user would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, readApi, ROOT } from './harness.mjs';

const STORE = path.join(ROOT, 'tests/dbt/history/store');
const OUT = path.join(ROOT, 'tests/dbt/history/out');
const invocation = (n) => JSON.parse(fs.readFileSync(path.join(OUT, `build${n}/run_results.json`), 'utf8'))
  .metadata.invocation_id.replaceAll('-', '');
let h;
before(async () => {
  assert.ok(fs.existsSync(path.join(STORE, 'environments.json')), 'build and ingest tests/dbt/history first (scripts/test.sh does)');
  h = await launch({ mounts: { '/store': STORE } });
});
after(async () => { await h?.close(); });

test('three ingested dbt builds: activity, chart, changes, the failure with its real log, previous / next', async () => {
  const ids = [1, 2, 3].map(invocation);
  const run3 = readApi(`environments/nightly/runs/${ids[2]}.json`, STORE);
  // The app's clock on the day of the builds, so the chart shows them.
  const page = await h.page({ viewport: { width: 1440, height: 1000 } });
  await page.clock.setFixedTime(new Date(new Date(run3.end).getTime() + 3600_000));
  await page.goto(`${h.base}/?api=/store`);
  await page.click('a[data-env=nightly]');

  // Recent Activity: the three runs, newest first, with their statuses.
  await page.waitForSelector('tr[data-kind=run][data-id]');
  const rows = await page.$$eval('tr[data-kind=run][data-id]', (rs) => rs.map((r) => [r.dataset.id, r.querySelector('[data-status]')?.dataset.status ?? r.textContent]));
  assert.deepEqual(rows.map((r) => r[0]), [ids[2], ids[1], ids[0]]);
  assert.match(await page.textContent(`tr[data-id="${ids[2]}"]`), /Failed/);
  assert.match(await page.textContent(`tr[data-id="${ids[0]}"]`), /Complete/);
  assert.equal(await page.$$eval('[data-testid=load-older]', (b) => b.length), 0, 'everything is on the newest page');

  // The chart: three segments on the day of the builds, the last one failed.
  const day = run3.start.slice(0, 10);
  const segs = await page.$$eval(`g.chart__day[data-day="${day}"] rect.chart__seg`, (rs) => rs.map((r) => [r.dataset.run, r.dataset.status]));
  assert.deepEqual(segs.map((s) => s[0]).sort(), [...ids].sort());
  assert.deepEqual(segs.find((s) => s[0] === ids[2])[1], 'failed');

  // Run 2: its changes, computed from the manifests.
  await page.click(`a.run-link[href$="${ids[1]}"]`);
  await page.waitForSelector('[data-testid=run-changes] summary');
  await page.click('[data-testid=run-changes] summary');
  const groups = await page.$$eval('[data-testid=run-changes] .changes__group', (gs) => gs.map((g) => [
    g.querySelector('h4').textContent, [...g.querySelectorAll('li')].map((l) => l.textContent)]));
  assert.deepEqual(groups, [
    ['Added (1)', ['rpt_country_revenue']],
    ['Directly modified (1)', ['stg_orders']],
    ['Indirectly modified (2)', ['fct_orders', 'rpt_daily_revenue']],
  ]);
  assert.match(await page.textContent('[data-testid=run-changes] summary'), /4 models changed/);

  // Next: run 3, failed; fct_orders' error and its own lines from dbt.log.
  await page.click('a.run-nav__next');
  await page.waitForURL(new RegExp(`${ids[2]}`));
  await page.waitForSelector('[data-testid=run-status]');
  assert.equal((await page.textContent('[data-testid=run-status]')).trim(), 'Failed');
  await page.click('.chips button[data-status=failed]');
  await page.click('tr[data-model="fct_orders"] .error-link');
  assert.match(await page.textContent('[data-testid=error-full]'), /discount/);
  await page.waitForSelector('[data-testid=exec-drawer] .logv__row');
  const fct = run3.executions.find((e) => e.model === 'fct_orders');
  const log = readApi(`logs/${fct.log_id}.json`, STORE);
  assert.equal(log.lines[0].message, 'Began running node model.history.fct_orders');
  const shown = await page.$$eval('[data-testid=log-viewer] .logv__row .logv__msg', (ms) => ms.map((m) => m.textContent));
  assert.equal(shown[0], 'Began running node model.history.fct_orders');
  assert.ok(shown.some((m) => /ERROR creating sql table model main\.fct_orders/.test(m)), shown.join('\n'));
  assert.equal(await page.$$eval('[data-testid=log-note]', (n) => n.length), 0, 'a real log: no note about artifacts');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=exec-drawer]', { state: 'detached' });

  // The whole invocation's log, on the run.
  await page.click('[data-testid=run-log-toggle]');
  await page.waitForSelector('[data-testid=run-log] .logv__row');
  assert.match(await page.textContent('[data-testid=run-log] .logv__row .logv__msg'), /^Running with dbt=1\.10/);

  // Previous from run 3 is run 2; run 1 has no previous run.
  await page.click('a.run-nav__prev');
  await page.waitForURL(new RegExp(`${ids[1]}`));
  await page.click('a.run-nav__prev');
  await page.waitForURL(new RegExp(`${ids[0]}`));
  await page.waitForSelector('[data-testid=run-status]');
  assert.match(await page.textContent('.run-nav'), /No previous run/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
