// Audits tab and the log viewer on the demo data (headless Chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, readApi } from './harness.mjs';

let h;
before(async () => { h = await launch(); });
after(async () => { await h?.close(); });

const prodRuns = () => readApi('environments/prod/activity.json').activity.filter((a) => a.kind === 'run');
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
const atLeast = (lines, lvl) => lines.filter((l) => LEVELS.indexOf(l.level) >= LEVELS.indexOf(lvl));
const occurrences = (lines, word) => lines.reduce((n, l) => n + l.message.toLowerCase().split(word.toLowerCase()).length - 1, 0);

test('blocking only leaves exactly the blocking audits; a failed blocking audit stands out', async () => {
  const page = await h.page();
  const run = prodRuns().find((r) => readApi(`environments/prod/runs/${r.id}.json`).audits.some((a) => a.blocking && a.status === 'failed'));
  const doc = readApi(`environments/prod/runs/${run.id}.json`);
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  const failedCount = doc.audits.filter((a) => a.status === 'failed').length;
  assert.match(await page.textContent('[data-tab=audits] .tab__count'), new RegExp(`^${doc.audits.length} · ${failedCount} failed$`));
  await page.click('[data-tab=audits]');
  await page.waitForSelector('[data-testid=audits-table] tbody tr[data-audit]');

  await page.check('[data-testid=blocking-only]');
  const blocking = doc.audits.filter((a) => a.blocking);
  await page.waitForFunction((t) => document.querySelector('[data-testid=audits] [data-testid=shown-count]').textContent === t,
    `${blocking.length} of ${doc.audits.length} audits`);
  assert.equal(new URL(page.url()).searchParams.get('blocking'), '1');
  const flags = await page.$$eval('[data-testid=audits-table] tbody tr[data-audit]', (trs) => trs.map((t) => t.dataset.blocking));
  assert.ok(flags.length > 0 && flags.every((f) => f === 'true'));

  // With the Failed chip: exactly the failed blocking audits, highlighted.
  await page.click('[data-testid=audits] .chips button[data-status=failed]');
  const expected = blocking.filter((a) => a.status === 'failed').map((a) => `${a.model}|${a.name}`);
  const rows = await page.$$eval('[data-testid=audits-table] tbody tr[data-audit]', (trs) => trs.map((t) => `${t.dataset.model}|${t.dataset.audit}`));
  assert.deepEqual(rows, expected);
  assert.match(await page.getAttribute('[data-testid=audits-table] tbody tr[data-audit]', 'class'), /row--blocking-failed/);

  // Reload keeps the view.
  await page.reload();
  await page.waitForSelector('[data-testid=audits-table] tbody tr[data-audit]');
  assert.equal(await page.isChecked('[data-testid=blocking-only]'), true);
  assert.deepEqual(await page.$$eval('[data-testid=audits-table] tbody tr[data-audit]', (trs) => trs.map((t) => `${t.dataset.model}|${t.dataset.audit}`)), expected);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("an audit's log: level filter, search count, and a line link", async () => {
  const page = await h.page();
  const run = prodRuns().find((r) => readApi(`environments/prod/runs/${r.id}.json`).audits.some((a) => a.blocking && a.status === 'failed'));
  const doc = readApi(`environments/prod/runs/${run.id}.json`);
  const audit = doc.audits.find((a) => a.blocking && a.status === 'failed');
  const log = readApi(`logs/${audit.log_id}.json`);
  await page.goto(`${h.base}/environments/prod/runs/${run.id}?tab=audits&astatus=failed&blocking=1`);
  await page.click(`tr[data-audit="${audit.name}"] button`);
  await page.waitForSelector('[data-testid=audit-drawer] .logv__row');
  assert.equal(await page.textContent('[data-testid=audit-drawer] [data-testid=error-full]'), audit.error);
  const shown = () => page.$$eval('[data-testid=log-viewer] .logv__row', (rs) => rs.map((r) => r.querySelector('.logv__msg').textContent));
  assert.deepEqual(await shown(), log.lines.map((l) => l.message));

  await page.selectOption('[data-testid=log-level]', 'warn');
  assert.deepEqual(await shown(), atLeast(log.lines, 'WARN').map((l) => l.message));
  assert.equal(new URL(page.url()).searchParams.get('lvl'), 'warn');

  await page.fill('[data-testid=log-search]', 'failed');
  const n = occurrences(atLeast(log.lines, 'WARN'), 'failed');
  assert.ok(n >= 1);
  assert.equal(await page.textContent('[data-testid=log-match-count]'), `1 of ${n} matches`);
  assert.equal(await page.$$eval('[data-testid=log-viewer] mark', (m) => m.length), n);

  // A line link: the URL holds the log and the line; opening it highlights that line.
  await page.selectOption('[data-testid=log-level]', 'debug');
  await page.fill('[data-testid=log-search]', '');
  await page.click('[data-testid=log-viewer] .logv__row[data-line="2"] .logv__num');
  assert.equal(new URL(page.url()).searchParams.get('line'), '2');
  const link = page.url();
  const other = await h.page();
  await other.goto(link);
  await other.waitForSelector('[data-testid=log-viewer] .logv__row--linked');
  assert.equal(await other.getAttribute('.logv__row--linked', 'data-line'), '2');
  assert.deepEqual(page.errors, []);
  await other.context().close();
  await page.context().close();
});

test('a log of thousands of lines opens windowed, searches, filters and links deep into it', async () => {
  const page = await h.page();
  // The longest log of the demo belongs to a failed execution.
  let best = null;
  for (const r of prodRuns()) {
    for (const e of readApi(`environments/prod/runs/${r.id}.json`).executions) {
      if (!e.log_id) continue;
      const lines = readApi(`logs/${e.log_id}.json`).lines;
      if (!best || lines.length > best.lines.length) best = { run: r.id, model: e.model, lines };
    }
  }
  assert.ok(best.lines.length >= 5000);
  const target = best.lines.length - 3; // near the end, far below the fold
  await page.goto(`${h.base}/environments/prod/runs/${best.run}?exec=${encodeURIComponent(best.model)}&line=${target}`);
  await page.waitForSelector('[data-testid=log-viewer] .logv__row--linked');
  assert.equal(await page.getAttribute('.logv__row--linked', 'data-line'), String(target));
  const inDom = await page.$$eval('[data-testid=log-viewer] .logv__row', (r) => r.length);
  assert.ok(inDom < 120, `${inDom} rows in the DOM`);
  // The linked line is inside the visible part of the scroller.
  const row = await page.locator('.logv__row--linked').boundingBox();
  const box = await page.locator('.logv__scroll').boundingBox();
  assert.ok(row.y >= box.y && row.y + row.height <= box.y + box.height, 'linked line is in view');

  const warnOption = await page.textContent('[data-testid=log-level] option[value=warn]');
  assert.equal(warnOption, `WARN and higher (${atLeast(best.lines, 'WARN').length})`);
  await page.fill('[data-testid=log-search]', 'spilling');
  const n = occurrences(best.lines, 'spilling');
  assert.equal(await page.textContent('[data-testid=log-match-count]'), `1 of ${n} matches`);
  await page.press('[data-testid=log-search]', 'Enter');
  assert.equal(await page.textContent('[data-testid=log-match-count]'), `2 of ${n} matches`);
  await page.waitForSelector('[data-testid=log-viewer] mark.current');
  await page.context().close();
});

test('a log searched over several tasks ends with every match, exact; the level filter restarts it', async () => {
  const page = await h.page();
  const run = prodRuns().find((r) => readApi(`environments/prod/runs/${r.id}.json`).executions.some((e) => e.log_id));
  const exec = readApi(`environments/prod/runs/${run.id}.json`).executions.find((e) => e.log_id);
  // 40,000 lines of about 80 characters: a search looks through 1 MB of
  // messages per task, so this one takes several.
  const lines = Array.from({ length: 40000 }, (_, i) => ({
    at: '2026-11-20T00:00:00Z',
    level: i % 50 === 0 ? 'WARN' : 'DEBUG',
    message: `step ${i}: ${i % 7 === 0 ? 'Needle found' : 'hay only'} `.padEnd(80, '.'),
  }));
  await page.route(`**/api/logs/${exec.log_id}.json`, (route) => route.fulfill({
    contentType: 'application/json', body: JSON.stringify({ id: exec.log_id, lines }),
  }));
  await page.goto(`${h.base}/environments/prod/runs/${run.id}?exec=${encodeURIComponent(exec.model)}`);
  await page.waitForSelector('[data-testid=log-viewer] .logv__row');
  assert.equal(await page.textContent('[data-testid=log-level] option[value=warn]'), `WARN and higher (${atLeast(lines, 'WARN').length})`);
  const count = (text) => page.waitForFunction((t) => document.querySelector('[data-testid=log-match-count]').textContent === t, text, { timeout: 10_000 });

  await page.fill('[data-testid=log-search]', 'needle');
  const all = occurrences(lines, 'needle');
  assert.equal(all, 5715);
  await count(`1 of ${all} matches`);
  await page.press('[data-testid=log-search]', 'Enter');
  await count(`2 of ${all} matches`);
  // The second match is line 8, marked as the current one.
  assert.equal(await page.textContent('[data-testid=log-viewer] mark.current'), 'Needle');
  assert.equal(await page.getAttribute('.logv__row:has(mark.current)', 'data-line'), '8');

  // Filtering restarts the search among the lines left.
  await page.selectOption('[data-testid=log-level]', 'warn');
  const warn = occurrences(atLeast(lines, 'WARN'), 'needle');
  assert.equal(warn, 115);
  await count(`1 of ${warn} matches`);
  assert.equal(await page.$$eval('[data-testid=log-viewer] .logv__row', (rs) => rs[0].dataset.line), '1');
  // Back to every line: every match again.
  await page.selectOption('[data-testid=log-level]', 'debug');
  await count(`1 of ${all} matches`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('Copy log puts every line of a long log on the clipboard, written over several tasks', async () => {
  const page = await h.page();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.base });
  const run = prodRuns().find((r) => readApi(`environments/prod/runs/${r.id}.json`).executions.some((e) => e.log_id));
  const exec = readApi(`environments/prod/runs/${run.id}.json`).executions.find((e) => e.log_id);
  // 45,000 lines: the text is written 20,000 lines a task, after the click.
  const lines = Array.from({ length: 45000 }, (_, i) => ({
    at: new Date(Date.UTC(2026, 10, 20, 0, 0, 0, i)).toISOString(),
    level: i % 3 === 0 ? 'WARN' : 'INFO',
    message: `line ${i} <b>not markup</b>`,
  }));
  await page.route(`**/api/logs/${exec.log_id}.json`, (route) => route.fulfill({
    contentType: 'application/json', body: JSON.stringify({ id: exec.log_id, lines }),
  }));
  await page.goto(`${h.base}/environments/prod/runs/${run.id}?exec=${encodeURIComponent(exec.model)}`);
  await page.waitForSelector('[data-testid=log-viewer] .logv__row');
  assert.equal(await page.textContent('[data-testid=log-copy]'), 'Copy log');
  await page.click('[data-testid=log-copy]');
  await page.waitForFunction(() => document.querySelector('[data-testid=log-copy]').textContent === 'Copied ✓', null, { timeout: 10_000 });
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const want = lines.map((l) => `${l.at} ${l.level} ${l.message}\n`).join('');
  assert.equal(copied.length, want.length);
  assert.equal(copied, want);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
