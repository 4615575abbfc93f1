// A real `dbt build` (tests/dbt/shop on DuckDB, run by scripts/test.sh) opened
// in the app through ?dbt=: its failure, skips, tests and lineage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT } from './harness.mjs';

const TARGET = path.join(ROOT, 'tests/dbt/shop/target');
const read = (f) => JSON.parse(fs.readFileSync(path.join(TARGET, f), 'utf8'));
let h;
before(async () => {
  assert.ok(fs.existsSync(path.join(TARGET, 'run_results.json')), 'run `dbt build` in tests/dbt/shop first (scripts/test.sh does)');
  h = await launch({ mounts: { '/dbt-target': TARGET } });
});
after(async () => { await h?.close(); });

test('a real dbt build: failed model with its database error, skipped models, blocking test, full lineage', async () => {
  const manifest = read('manifest.json');
  const results = read('run_results.json').results;
  const byStatus = (type, status) => results
    .filter((r) => r.unique_id.startsWith(`${type}.`) && r.status === status)
    .map((r) => manifest.nodes[r.unique_id].name).sort();
  const invocation = read('run_results.json').metadata.invocation_id.replaceAll('-', '');
  const page = await h.page({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`${h.base}/?dbt=/dbt-target`);
  await page.click('a[data-env=ci]');
  await page.click(`a.run-link[href$="${invocation}"]`);
  await page.waitForSelector('[data-testid=run-header]');
  assert.equal((await page.textContent('[data-testid=run-status]')).trim(), 'Failed');
  // What broke names the database error, not dbt's "Runtime Error in model ..." wrapper.
  assert.match(await page.textContent('[data-testid=health]'), /int_payment_fx\s*Binder Error: Table "fx" does not have a column named "rate"/);

  // The failed model shows its database error.
  const failed = byStatus('model', 'error');
  assert.deepEqual(failed, ['int_payment_fx']);
  await page.click('.chips button[data-status=failed]');
  assert.deepEqual(await page.$$eval('[data-testid=executions-table] tbody tr[data-model]', (t) => t.map((r) => r.dataset.model)), failed);
  await page.click('tr[data-model="int_payment_fx"] .error-link');
  assert.match(await page.textContent('[data-testid=error-full]'), /Binder Error: Table "fx" does not have a column named "rate"/);
  assert.match(await page.textContent('[data-testid=log-note]'), /not the full dbt log/);
  await page.keyboard.press('Escape');

  // dbt build's skipped nodes show as skipped.
  await page.click('.chips button[data-status=failed]');
  await page.click('.chips button[data-status=skipped]');
  const skipped = byStatus('model', 'skipped');
  assert.ok(skipped.length >= 4, skipped.join());
  assert.deepEqual((await page.$$eval('[data-testid=executions-table] tbody tr[data-model]', (t) => t.map((r) => r.dataset.model))).sort(), skipped);

  // Tests are audits: the failing error-severity test is blocking, the warn one is not.
  await page.click('[data-tab=audits]');
  await page.waitForSelector('[data-testid=audits-table] tbody tr[data-audit]');
  const row = (name) => page.locator(`tr[data-audit="${name}"]`);
  assert.equal(await row('unique_stg_products_product_id').getAttribute('data-blocking'), 'true');
  assert.match(await row('unique_stg_products_product_id').getAttribute('class'), /row--blocking-failed/);
  const warn = Object.values(manifest.nodes).find((n) => n.resource_type === 'test' && n.name.startsWith('accepted_values_stg_customers'));
  assert.equal(await row(warn.name).getAttribute('data-blocking'), 'false');
  assert.equal(await row(warn.name).locator('[data-status]').getAttribute('data-status'), 'failed');

  // The lineage graph contains every model, seed and source.
  await page.click('[data-tab=explore]');
  await page.waitForSelector('[data-testid=graph] g.node');
  await page.click('[data-testid=fit]');
  const expected = [
    ...Object.values(manifest.nodes).filter((n) => ['model', 'seed', 'snapshot'].includes(n.resource_type)).map((n) => n.name),
    ...Object.values(manifest.sources).map((s) => `${s.source_name}.${s.name}`),
  ].sort();
  const drawn = await page.$$eval('[data-testid=graph] g.node', (gs) => gs.map((g) => g.dataset.model));
  assert.deepEqual([...drawn].sort(), expected);
  assert.equal(await page.getAttribute('g.node[data-model="int_payment_fx"]', 'data-status'), 'failed');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a wrong ?dbt= address explains itself with a retry', async () => {
  const page = await h.page();
  await page.goto(`${h.base}/?dbt=/nowhere`);
  await page.waitForSelector('.error-panel');
  assert.match(await page.textContent('.error-panel h2'), /dbt artifacts could not be read/);
  assert.match(await page.textContent('.error-panel'), /manifest\.json/);
  await page.context().close();
});

test('the dbt reader\'s part failing to download is the page\'s error, and Retry reads the artifacts', async () => {
  const parts = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/runlens-parts.json'), 'utf8'));
  const reader = `**/${parts['read-dbt'][0]}`;
  const page = await h.page();
  await page.route(reader, (r) => r.abort());
  await page.goto(`${h.base}/?dbt=/dbt-target`);
  await page.waitForSelector('.error-panel');
  assert.match(await page.textContent('.error-panel'), /the code that reads dbt artifacts could not be downloaded/);
  // Not a stop of the app: the page still answers, and a retry recovers.
  await page.unroute(reader);
  await page.getByRole('button', { name: /retry/i }).first().click();
  await page.waitForSelector('a[data-env]');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
