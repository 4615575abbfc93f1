// Environment overview: cards, daily runs chart, dev differences, activity
// filters, and the UTC / local time switch (headless Chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, readApi } from './harness.mjs';

let h;
before(async () => { h = await launch(); });
after(async () => { await h?.close(); });

const days = (end, n) => Array.from({ length: n }, (_, i) => {
  const d = new Date(`${end}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - (n - 1 - i));
  return d.toISOString().slice(0, 10);
});

test('runs daily: 14 columns ending today, gaps kept, a failed segment opens its run', async () => {
  const page = await h.page({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`${h.base}/environments/prod`);
  await page.waitForSelector('[data-testid=runs-chart] g.chart__day');
  const shown = await page.$$eval('[data-testid=runs-chart] g.chart__day', (gs) => gs.map((g) => g.dataset.day));
  assert.deepEqual(shown, days('2026-11-26', 14)); // the fixed clock's day
  // Each day's segments are exactly the runs that started that day.
  const activity = readApi('environments/prod/activity.json').activity.filter((a) => a.kind === 'run');
  for (const day of shown) {
    const segs = await page.$$eval(`g.chart__day[data-day="${day}"] rect.chart__seg`, (rs) => rs.map((r) => r.dataset.run).sort());
    assert.deepEqual(segs, activity.filter((a) => a.start.startsWith(day)).map((a) => a.id).sort(), day);
  }
  assert.equal(await page.$$eval('g.chart__day[data-day="2026-11-16"] rect.chart__seg', (r) => r.length), 0);
  const failed = await page.getAttribute('rect.chart__seg[data-status=failed]', 'data-run');
  await page.click(`rect.chart__seg[data-run="${failed}"]`);
  await page.waitForSelector('[data-testid=run-header]');
  assert.equal(new URL(page.url()).pathname, `/environments/prod/runs/${failed}`);
  assert.equal((await page.textContent('[data-testid=run-status]')).trim(), 'Failed');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('viewed weeks later, the chart ends on the newest run and says so', async () => {
  const page = await h.page();
  await page.clock.setFixedTime(new Date('2027-01-20T12:00:00Z'));
  await page.goto(`${h.base}/environments/prod`);
  await page.waitForSelector('[data-testid=chart-shifted]');
  const shown = await page.$$eval('[data-testid=runs-chart] g.chart__day', (gs) => gs.map((g) => g.dataset.day));
  assert.deepEqual(shown, days('2026-11-26', 14));
  await page.context().close();
});

test('header cards: freshness counts, last run, last plan, models', async () => {
  const page = await h.page();
  await page.goto(`${h.base}/environments/prod`);
  await page.waitForSelector('[data-testid=fresh-complete]');
  const [b, p, c] = await Promise.all(['behind', 'pending', 'complete'].map((k) => page.textContent(`[data-testid=fresh-${k}]`)));
  // Recomputed from the newest run's models, as of its refresh time (2026-11-26T03:30Z: today's interval starts at midnight).
  const act = readApi('environments/prod/activity.json').activity;
  const newest = act.filter((a) => a.kind === 'run').sort((x, y) => y.start.localeCompare(x.start))[0];
  const run = readApi(`environments/prod/runs/${newest.id}.json`);
  const expected = { behind: 0, pending: 0, complete: 0 };
  // Current period starts: today (a Thursday) for daily models, Monday the 23rd for weekly ones.
  const periods = { day: ['2026-11-26T00:00:00Z', '2026-11-25T00:00:00Z'], week: ['2026-11-23T00:00:00Z', '2026-11-16T00:00:00Z'] };
  for (const m of run.models) {
    const p = periods[m.interval_unit];
    if (!p || !m.intervals.length) continue;
    const end = m.intervals.map((i) => i.end).sort().at(-1);
    if (end >= p[0]) expected.complete++;
    else if (end >= p[1]) expected.pending++;
    else expected.behind++;
  }
  assert.deepEqual({ behind: Number(b), pending: Number(p), complete: Number(c) }, expected);
  assert.ok(expected.behind > 0 && expected.pending > 0 && expected.complete > 0);
  assert.match(await page.textContent('[data-testid=last-run]'), new RegExp(newest.id.slice(0, 8)));
  const env = readApi('environments.json').environments.find((e) => e.name === 'prod');
  assert.match(await page.textContent('[data-testid=models-card]'), new RegExp(`^Models${env.model_count}`));
  await page.context().close();
});

test('the dev page lists exactly its differences from prod', async () => {
  const page = await h.page();
  await page.goto(`${h.base}/environments/prod`);
  await page.selectOption('[data-testid=env-switch]', 'dev');
  await page.waitForSelector('[data-testid=env-diff] [data-testid=diff-added] li');
  assert.equal(new URL(page.url()).pathname, '/environments/dev');
  const latest = (env) => {
    const runs = readApi(`environments/${env}/activity.json`).activity.filter((a) => a.kind === 'run');
    return readApi(`environments/${env}/runs/${runs.sort((x, y) => y.start.localeCompare(x.start))[0].id}.json`);
  };
  const dev = latest('dev');
  const prod = latest('prod');
  const pm = new Map(prod.models.map((m) => [m.name, m]));
  const dm = new Map(dev.models.map((m) => [m.name, m]));
  const added = [...dm.keys()].filter((n) => !pm.has(n)).sort();
  const removed = [...pm.keys()].filter((n) => !dm.has(n)).sort();
  const direct = [...dm.keys()].filter((n) => pm.has(n) && pm.get(n).definition !== dm.get(n).definition).sort();
  const down = new Set();
  const stack = [...added, ...direct];
  while (stack.length) {
    const x = stack.pop();
    for (const m of dev.models) if (m.upstream.includes(x) && !down.has(m.name)) { down.add(m.name); stack.push(m.name); }
  }
  const indirect = [...down].filter((n) => pm.has(n) && !direct.includes(n) && !added.includes(n)).sort();
  const list = (k) => page.$$eval(`[data-testid=diff-${k}] li`, (ls) => ls.map((l) => l.textContent));
  assert.deepEqual(await list('added'), added);
  assert.deepEqual(await list('removed'), removed);
  assert.deepEqual(await list('direct'), direct);
  assert.deepEqual(await list('indirect'), indirect);
  assert.ok(added.length && removed.length && direct.length && indirect.length, 'dev differs in all four ways');
  const plan = readApi('environments/dev/activity.json').activity.find((a) => a.kind === 'plan');
  assert.match(await page.textContent('[data-testid=plan-interval]'), new RegExp(`${plan.interval_start.slice(0, 10)} 00:00:00 → ${plan.interval_end.slice(0, 10)} 00:00:00`));
  await page.context().close();
});

test('recent activity: type filter, status chip and sort live in the URL', async () => {
  const page = await h.page();
  const act = readApi('environments/prod/activity.json').activity;
  await page.goto(`${h.base}/environments/prod`);
  await page.click('[data-testid=activities] .seg__btn[data-kind=plan]');
  const plans = act.filter((a) => a.kind === 'plan');
  assert.equal(await page.textContent('[data-testid=activities] [data-testid=shown-count]'), `${plans.length} of ${act.length} activities`);
  await page.click('[data-testid=activities] .chips button[data-status=failed]');
  const rows = await page.$$eval('[data-testid=activities-table] tbody tr[data-id]', (trs) => trs.map((t) => t.dataset.id));
  assert.deepEqual(rows, plans.filter((p) => p.status === 'failed').map((p) => p.id));
  const u = new URL(page.url());
  assert.equal(u.searchParams.get('kind'), 'plan');
  assert.equal(u.searchParams.get('status'), 'failed');
  await page.reload();
  await page.waitForSelector('[data-testid=activities-table] tbody tr[data-id]');
  assert.deepEqual(await page.$$eval('[data-testid=activities-table] tbody tr[data-id]', (trs) => trs.map((t) => t.dataset.id)), rows);
  await page.context().close();
});

test('UTC / local switch changes every time shown and survives a reload', async () => {
  const page = await h.page({ timezoneId: 'America/New_York' });
  const run = readApi('environments/prod/activity.json').activity.find((a) => a.kind === 'run' && a.end);
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  await page.waitForSelector('[data-testid=run-start]');
  const utc = (iso) => new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
  const ny = (iso) => new Date(new Date(iso).getTime() - 5 * 3600e3).toISOString().slice(0, 19).replace('T', ' ');
  const start = async () => (await page.textContent('[data-testid=run-start]')).replace(/\s+/g, ' ').trim();
  assert.equal(await start(), `${utc(run.start)} UTC`);
  await page.click('[data-time=local]');
  assert.equal(await start(), `${ny(run.start)} UTC-05:00`);
  // Table headers and cells follow.
  assert.match(await page.textContent('[data-testid=executions-table] thead'), /UTC-05:00/);
  await page.reload();
  await page.waitForSelector('[data-testid=run-start]');
  assert.equal(await start(), `${ny(run.start)} UTC-05:00`);
  assert.equal(await page.getAttribute('[data-time=local]', 'aria-pressed'), 'true');
  await page.click('[data-time=utc]');
  assert.equal(await start(), `${utc(run.start)} UTC`);
  await page.context().close();
});

test('models behind schedule: listed only once opened, then every one of them, a few hundred per task', async () => {
  const page = await h.page();
  const act = readApi('environments/prod/activity.json').activity;
  const newest = act.filter((a) => a.kind === 'run').sort((x, y) => y.start.localeCompare(x.start))[0];
  const run = readApi(`environments/prod/runs/${newest.id}.json`);
  // 1,234 more daily models whose newest interval ended weeks ago: behind.
  for (let i = 0; i < 1234; i++) {
    run.models.push({ name: `extra.behind_${String(i).padStart(4, '0')}`, kind: 'INCREMENTAL_BY_TIME_RANGE', interval_unit: 'day',
      intervals: [{ start: '2026-10-01T00:00:00Z', end: '2026-10-02T00:00:00Z' }] });
  }
  const periods = { day: '2026-11-25T00:00:00Z', week: '2026-11-16T00:00:00Z' };
  const behind = run.models.filter((m) => periods[m.interval_unit] && m.intervals.length
    && m.intervals.map((x) => x.end).sort().at(-1) < periods[m.interval_unit]).map((m) => m.name);
  await page.route(`**/environments/prod/runs/${newest.id}.json`, (r) => r.fulfill({ json: run }));
  await page.goto(`${h.base}/environments/prod`);
  await page.waitForSelector('[data-testid=fresh-behind]');
  assert.equal(await page.textContent('[data-testid=fresh-behind]'), String(behind.length));
  assert.equal(await page.textContent('.fresh__behind summary'), `${behind.length} behind schedule`);
  // Closed: no name drawn yet.
  assert.equal(await page.locator('[data-testid=fresh-behind-list] li').count(), 0);
  await page.click('.fresh__behind summary');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=fresh-behind-list] li').length === n, behind.length);
  assert.deepEqual(await page.$$eval('[data-testid=fresh-behind-list] li', (ls) => ls.map((l) => l.textContent)), behind);
  // Closed and opened again: the same list, not drawn twice.
  await page.click('.fresh__behind summary');
  await page.click('.fresh__behind summary');
  assert.equal(await page.locator('[data-testid=fresh-behind-list] li').count(), behind.length);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an environment only planned so far shows its last plan on the list, one with neither says so', async () => {
  const doc = readApi('environments.json');
  const [first, second] = doc.environments;
  const plan = first.last_plan;
  assert.ok(plan, 'the demo environment has a last plan');
  const page = await h.page();
  await page.route('**/api/environments.json', (r) => r.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({
      environments: [
        { ...first, last_run: null, last_plan: { ...plan, status: 'failed' } },
        { ...second, last_run: null, last_plan: null },
      ],
    }),
  }));
  await page.goto(`${h.base}/`);
  const card = page.locator(`a[data-env="${first.name}"] .env-card__last`);
  await card.waitFor();
  assert.match((await card.textContent()).replace(/\s+/g, ' '), /^No runs yet; last plan Failed \d+ days? ago$/);
  assert.equal((await page.locator(`a[data-env="${second.name}"] .env-card__last`).textContent()).trim(), 'No runs yet');
  await page.context().close();
});
