// The Timeline tab and each model against its own history, on the demo data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, readApi } from './harness.mjs';

const RUN = 'e07b1c3d47e07cb9c36bc2ace45ae5f7'; // the demo's failed prod run (an OOM)
const url = (q = '') => `/environments/prod/runs/${RUN}${q}`;
let h;
before(async () => { h = await launch(); });
after(async () => { await h.close(); });

test('one bar per execution with times; the critical path marked, listed in order, with its shares', async () => {
  const run = readApi(`environments/prod/runs/${RUN}.json`);
  const timed = run.executions.filter((e) => e.start && e.end);
  const page = await h.page();
  // The tab is reached from the run page's tab bar.
  await page.goto(`${h.base}${url()}`);
  await page.click('button.tab[data-tab=timeline]');
  await page.waitForFunction(() => location.search.includes('tab=timeline'));
  await page.waitForSelector('[data-testid=timeline-svg] rect.tl-bar');
  // By concurrency, every row fits in the chart's box (by layer, rows
  // below the box are drawn when scrolled to).
  await page.goto(`${h.base}${url('?tab=timeline&rows=slot')}`);
  await page.waitForSelector('[data-testid=timeline-svg] rect.tl-bar');
  const bars = await page.$$eval('[data-testid=timeline-svg] rect.tl-bar', (rs) => rs.map((r) => r.dataset.model).sort());
  assert.deepEqual(bars, timed.map((e) => e.model).sort());
  assert.equal(await page.textContent('[data-testid=tl-not-drawn]'),
    `${run.executions.length - timed.length} executions have no start or end and are not on the axis (pending, skipped or never reported).`);
  // The run ended when the OOM'd model did: it and the staging model it waited for.
  const path = await page.$$eval('[data-testid=critical-path] li', (li) => li.map((l) => l.dataset.model));
  assert.deepEqual(path, ['staging.stg_inventory', 'intermediate.int_inventory_daily']);
  const marked = await page.$$eval('rect.tl-bar--critical', (rs) => rs.map((r) => r.dataset.model).sort());
  assert.deepEqual(marked, [...path].sort());
  const last = (await page.innerText('[data-testid=critical-path] li:last-child')).replace(/\s+/g, ' ');
  assert.match(last, /intermediate\.int_inventory_daily Failed waited 1 s · 3 min 19 s 92\.1 %/);
  assert.equal(await page.textContent('[data-testid=tl-wall]'), '3 min 36 s');
  assert.equal(await page.textContent('[data-testid=tl-longest]'), 'intermediate.int_inventory_daily · 3 min 19 s');
  // Rows by concurrency: as many rows as the peak.
  const peak = Number(await page.textContent('[data-testid=tl-peak]'));
  const slots = await page.$$eval('.tl-row-label', (t) => t.map((x) => x.textContent));
  assert.deepEqual(slots, Array.from({ length: peak }, (_, i) => `Slot ${i + 1}`));
  // By lineage layer (the default, so the URL drops rows=): layers in order.
  await page.click('button.seg__btn:has-text("By lineage layer")');
  await page.waitForFunction(() => !location.search.includes('rows='));
  const layers = await page.$$eval('.tl-row-label', (t) => t.map((x) => x.textContent));
  assert.deepEqual(layers.slice(0, 3), ['Layer 2', 'Layer 3', 'Layer 4']);
  await page.context().close();
});

test('a bar opens its model in Explore Executions', async () => {
  const page = await h.page();
  await page.goto(`${h.base}${url('?tab=timeline&rows=slot')}`);
  const bar = await page.waitForSelector('rect.tl-bar[data-model="marts.fct_orders"]');
  await bar.click();
  await page.waitForFunction(() => document.querySelector('[data-testid=model-name]')?.textContent === 'marts.fct_orders');
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get('tab'), 'explore');
  assert.equal(q.get('model'), 'marts.fct_orders');
  await page.context().close();
});

test('"New failures" keeps exactly the models that failed here and succeeded the last time they ran', async () => {
  // From the API: walk back through previous_run_id.
  const run = readApi(`environments/prod/runs/${RUN}.json`);
  const previous = [];
  for (let id = run.previous_run_id; id && previous.length < 10;) {
    const r = readApi(`environments/prod/runs/${id}.json`);
    previous.push(r);
    id = r.previous_run_id;
  }
  const lastOutcome = (model) => {
    for (const r of previous) {
      const ex = r.executions.filter((e) => e.model === model && ['complete', 'failed'].includes(e.status));
      if (ex.length) return ex.some((e) => e.status === 'failed') ? 'failed' : 'complete';
    }
    return null;
  };
  const expected = [...new Set(run.executions.filter((e) => e.status === 'failed').map((e) => e.model))]
    .filter((m) => lastOutcome(m) !== 'failed').sort();
  assert.ok(expected.length >= 1);

  const page = await h.page();
  await page.goto(`${h.base}${url()}`);
  await page.waitForFunction(() => /New failures \d/.test(document.querySelector('[data-testid=history-chips]')?.textContent));
  await page.click('[data-testid=history-chips] [data-usual=new]');
  await page.waitForFunction(() => location.search.includes('usual=new'));
  const rows = await page.$$eval('[data-testid=executions-table] tbody tr[data-model]', (r) => r.map((x) => x.dataset.model).sort());
  assert.deepEqual(rows, expected);
  assert.match(await page.textContent('[data-testid=health-trend]'), new RegExp(`· Against earlier runs: ${expected.length} new failure`));
  // The drawer shows the model's recent durations, this run marked.
  await page.goto(`${h.base}${url(`?exec=${expected[0]}`)}`);
  await page.waitForSelector('[data-testid=sparkline] circle.spark__dot--current');
  const dots = await page.$$eval('[data-testid=sparkline] circle', (c) => c.length);
  const ran = previous.filter((r) => r.executions.some((e) => e.model === expected[0])).length;
  assert.equal(dots, ran + 1);
  await page.context().close();
});
