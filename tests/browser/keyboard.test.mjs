// Issue 14: everything by keyboard. The walk from / to a failed run uses no
// mouse event at all (a listener counts pointer and mouse presses); the
// shortcut sheet, the tabs and the "no shortcut while typing" rule too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, readApi } from './harness.mjs';

let h;
before(async () => { h = await launch(); });
after(async () => { await h?.close(); });

const activity = readApi('environments/prod/activity.json').activity;
const runDoc = (id) => readApi(`environments/prod/runs/${id}.json`);

/// A page that counts every pointer or mouse press, from its first document on.
async function keyboardPage() {
  const page = await h.page();
  await page.addInitScript(() => {
    window.__mouse = 0;
    for (const t of ['pointerdown', 'mousedown', 'mouseup', 'pointerup']) {
      addEventListener(t, () => { window.__mouse += 1; }, true);
    }
  });
  return page;
}

const active = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return {
    tag: el?.tagName, model: el?.dataset?.model ?? null, env: el?.dataset?.env ?? null,
    tab: el?.dataset?.tab ?? null, cls: el?.className ?? '', label: el?.getAttribute?.('aria-label') ?? null,
  };
});

/// Presses Tab until `pred(active element)` holds (at most `max` times).
async function tabTo(page, pred, what, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (pred(await active(page))) return;
  }
  assert.fail(`Tab never reached ${what}`);
}

test('keyboard only: / to a failed run, filter, open and close a drawer, g x to Explore', async () => {
  const page = await keyboardPage();
  await page.goto(`${h.base}/`);
  await page.waitForSelector('a[data-env=prod]');
  await tabTo(page, (a) => a.env === 'prod', 'the prod environment');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=activities-table] tbody tr[data-id]');
  assert.equal(new URL(page.url()).pathname, '/environments/prod');

  // Only failed activity: the Failed chip, by Tab and Enter.
  await tabTo(page, (a) => a.cls.includes('chip--failed'), 'the Failed chip');
  await page.keyboard.press('Enter');
  const failedRuns = activity.filter((a) => a.kind === 'run' && a.status === 'failed');
  const failedAll = activity.filter((a) => a.status === 'failed'); // a plan may fail too
  assert.equal(failedAll[0].kind, 'run');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=activities-table] tbody tr[data-id]').length === n, failedAll.length);
  // Into the table, down to the first row, Enter opens its run.
  await tabTo(page, (a) => a.cls.includes('table-scroll'), 'the activity table');
  await page.keyboard.press('ArrowDown');
  const first = await page.evaluate(() => document.activeElement.dataset.id);
  assert.equal(first, failedRuns[0].id);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=executions-table] tbody tr[data-model]');
  assert.equal(new URL(page.url()).pathname, `/environments/prod/runs/${failedRuns[0].id}`);
  const doc = runDoc(failedRuns[0].id);
  const failed = doc.executions.find((e) => e.status === 'failed');

  // "/" focuses the filter; typing g x there is text, not a shortcut.
  await page.keyboard.press('/');
  assert.equal((await active(page)).tag, 'INPUT');
  await page.keyboard.type(`g x ${failed.model}`.slice(0, 3));
  assert.equal(new URL(page.url()).searchParams.get('tab'), null, 'typing g x switched tabs');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(failed.model);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=executions-table] tbody tr[data-model]').length === 1);
  assert.equal(new URL(page.url()).searchParams.get('q'), failed.model);

  // Tab to the table, j to the row, Enter opens its drawer with the focus in it.
  await tabTo(page, (a) => a.cls.includes('table-scroll'), 'the executions table');
  await page.keyboard.press('j');
  assert.equal((await active(page)).model, failed.model);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=exec-drawer]');
  assert.equal(new URL(page.url()).searchParams.get('exec'), failed.model);
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('[data-testid=exec-drawer]')), true, 'focus in the drawer');
  assert.equal((await page.textContent('[data-testid=error-full]')).trim(), failed.error.trim());
  // Escape closes it and gives the focus back to the row.
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=exec-drawer]', { state: 'detached' });
  assert.equal(new URL(page.url()).searchParams.get('exec'), null);
  await page.waitForFunction((m) => document.activeElement?.dataset?.model === m, failed.model);

  // g x: Explore, the focus on its tab.
  await page.keyboard.press('g');
  await page.keyboard.press('x');
  await page.waitForSelector('[data-testid=explore]');
  assert.equal(new URL(page.url()).searchParams.get('tab'), 'explore');
  assert.equal((await active(page)).tab, 'explore');
  assert.equal(await page.getAttribute('[data-tab=explore]', 'aria-selected'), 'true');

  assert.equal(await page.evaluate(() => window.__mouse), 0, 'no mouse or pointer event');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('keyboard only in Explore: the failed model from the list, arrows to its downstream, its Definition; each step announced', async () => {
  const page = await keyboardPage();
  const run = activity.find((a) => a.kind === 'run' && a.status === 'failed');
  const doc = runDoc(run.id);
  const failed = doc.executions.find((e) => e.status === 'failed').model;
  const downs = doc.models.filter((m) => (m.upstream ?? []).includes(failed)).map((m) => m.name);
  const ups = doc.models.find((m) => m.name === failed).upstream ?? [];
  assert.equal(downs.length, 1, 'the demo failure has one downstream model');
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  await page.waitForSelector('[data-testid=executions-table] tbody tr[data-model]');
  await tabTo(page, (a) => a.tab === 'executions', 'the selected tab');
  await page.keyboard.press('g');
  await page.keyboard.press('x');
  await page.waitForSelector('[data-testid=graph] g.node');
  const announced = () => page.textContent('[data-testid=graph-announcer]').then((t) => t.trim());
  const total = await page.$$eval('[data-testid=model-list] li[data-model]', (l) => l.length);
  assert.equal(await announced(), `No model selected. Showing all ${total} models.`);

  // The model list is the text view: search, Tab to the model, Enter.
  await tabTo(page, (a) => a.label === 'Search models', 'the model search');
  await page.keyboard.type(failed.split('.').pop());
  await tabTo(page, (a) => a.tag === 'A' && a.cls.includes('model-list__name'), 'the first match');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), failed);
  await page.keyboard.press('Enter');
  await page.waitForFunction((m) => new URLSearchParams(location.search).get('model') === m, failed);
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid=graph-announcer]').textContent.trim() === want,
    `Selected ${failed}, Failed, ${ups.length} upstream, ${downs.length} downstream. Showing all ${total} models.`,
  );

  // Into the graph: the selected node is the graph's tab stop.
  await tabTo(page, (a) => a.model === failed, 'the failed node');
  const label = (await active(page)).label;
  assert.match(label, new RegExp(`, ${ups.length} upstream, ${downs.length} downstream, selected$`));
  assert.ok(label.includes(" Failed"), label);
  // Right: downstream; left: back upstream; right again and Enter opens it.
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((m) => document.activeElement?.dataset?.model === m, downs[0]);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((m) => document.activeElement?.dataset?.model === m, failed);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((m) => document.activeElement?.dataset?.model === m, downs[0]);
  await page.keyboard.press('Enter');
  await page.waitForFunction((m) => new URLSearchParams(location.search).get('model') === m, downs[0]);
  await page.waitForFunction(
    (m) => document.querySelector('[data-testid=graph-announcer]').textContent.trim().startsWith(`Selected ${m}, `),
    downs[0],
  );
  await page.waitForSelector(`[data-testid=model-details]`);

  // The details' tabs: Tab to the selected one, arrows to the Definition.
  const mtab = () => page.evaluate(() => document.activeElement?.dataset?.mtab ?? null);
  for (let i = 0; i < 80 && (await mtab()) !== 'overview'; i++) await page.keyboard.press('Tab');
  assert.equal(await mtab(), 'overview');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid=model-details] .sql');
  assert.equal(new URL(page.url()).searchParams.get('mtab'), 'definition');
  const sql = doc.models.find((m) => m.name === downs[0]).definition;
  if (sql) assert.ok((await page.textContent('[data-testid=model-details] .sql')).includes(sql.split('\n')[0].trim()));

  // The 1-hop view is announced with its count.
  await page.goto(`${h.base}/environments/prod/runs/${run.id}?tab=explore&model=${encodeURIComponent(failed)}&hood=1`);
  await page.waitForSelector('[data-testid=graph] g.node');
  const hop = 1 + ups.length + downs.length;
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid=graph-announcer]').textContent.trim().endsWith(want),
    `Showing it and its direct neighbours: ${hop} of ${total} models.`,
  );
  assert.equal(await page.evaluate(() => window.__mouse), 0, 'no mouse or pointer event');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('run tabs follow the ARIA tabs pattern; g e / g a / g t switch tabs', async () => {
  const page = await keyboardPage();
  const run = activity.find((a) => a.kind === 'run' && a.status === 'failed');
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  await page.waitForSelector('[data-testid=executions-table] tbody tr[data-model]');
  // One tab stop: the selected tab; the others are reached with arrows.
  assert.deepEqual(await page.$$eval('[role=tab][data-tab]', (ts) => ts.map((t) => t.tabIndex)), [0, -1, -1, -1]);
  assert.equal(await page.getAttribute('[role=tabpanel]', 'aria-labelledby'), 'run-tab-executions');
  await tabTo(page, (a) => a.tab === 'executions', 'the selected tab');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid=audits-table]');
  assert.equal((await active(page)).tab, 'audits');
  assert.equal(await page.getAttribute('[role=tabpanel]', 'aria-labelledby'), 'run-tab-audits');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.waitForSelector('[data-testid=timeline-svg]');
  assert.equal(new URL(page.url()).searchParams.get('tab'), 'timeline');
  await page.keyboard.press('Home');
  await page.waitForSelector('[data-testid=executions-table]');
  assert.equal(new URL(page.url()).searchParams.get('tab'), null);

  for (const [key, tab] of [['a', 'audits'], ['t', 'timeline'], ['e', null]]) {
    await page.keyboard.press('g');
    await page.keyboard.press(key);
    await page.waitForFunction((t) => new URLSearchParams(location.search).get('tab') === t, tab);
  }
  // x alone (no g first) does nothing.
  await page.keyboard.press('x');
  assert.equal(new URL(page.url()).searchParams.get('tab'), null);
  assert.equal(await page.evaluate(() => window.__mouse), 0);
  await page.context().close();
});

test('? shows the shortcut sheet; Escape closes it and the focus goes back', async () => {
  const page = await keyboardPage();
  const run = activity.find((a) => a.kind === 'run' && a.status === 'failed');
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  await page.waitForSelector('[data-testid=executions-table] tbody tr[data-model]');
  await tabTo(page, (a) => a.tab === 'executions', 'the selected tab');
  await page.keyboard.press('Shift+Slash'); // "?"
  const sheet = await page.waitForSelector('[data-testid=shortcut-sheet]');
  assert.equal(await sheet.getAttribute('role'), 'dialog');
  assert.equal(await sheet.getAttribute('aria-modal'), 'true');
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('[data-testid=shortcut-sheet]')), true);
  const keys = await page.$$eval('[data-testid=shortcut-sheet] dt', (d) => d.map((x) => x.textContent));
  for (const k of ['?', 'g e', 'g a', 'g x', 'g t', '/', 'Enter', 'Escape', 'f', '→ / ←', '+ / -']) assert.ok(keys.includes(k), `${k} listed: ${keys}`);
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=shortcut-sheet]', { state: 'detached' });
  assert.equal((await active(page)).tab, 'executions');
  // While typing, ? is a character.
  await page.keyboard.press('/');
  await page.keyboard.type('?');
  assert.equal(await page.$('[data-testid=shortcut-sheet]'), null);
  assert.equal(await page.inputValue('input.filter'), '?');
  await page.context().close();
});

test('arrows and j / k move the focused row; the row scrolls into view', async () => {
  const page = await keyboardPage();
  const run = activity.find((a) => a.kind === 'run' && a.status === 'failed');
  const doc = runDoc(run.id);
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  await page.waitForSelector('[data-testid=executions-table] tbody tr[data-model]');
  await tabTo(page, (a) => a.cls.includes('table-scroll'), 'the executions table');
  await page.keyboard.press('ArrowDown');
  assert.equal((await active(page)).model, doc.executions[0].model);
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  assert.equal((await active(page)).model, doc.executions[2].model);
  await page.keyboard.press('k');
  assert.equal((await active(page)).model, doc.executions[1].model);
  await page.keyboard.press('End');
  await page.waitForFunction((m) => document.activeElement?.dataset?.model === m, doc.executions.at(-1).model);
  // The last row is inside the scroller's visible part.
  const inView = await page.evaluate(() => {
    const r = document.activeElement.getBoundingClientRect();
    const s = document.querySelector('.table-scroll').getBoundingClientRect();
    return r.top >= s.top && r.bottom <= s.bottom + 1;
  });
  assert.ok(inView, 'last row scrolled into view');
  await page.keyboard.press('Home');
  await page.waitForFunction((m) => document.activeElement?.dataset?.model === m, doc.executions[0].model);
  await page.context().close();
});

test('model details tabs follow the ARIA tabs pattern: arrows to the Definition', async () => {
  const page = await keyboardPage();
  const run = activity.find((a) => a.kind === 'run' && a.status === 'failed');
  const failed = runDoc(run.id).executions.find((e) => e.status === 'failed');
  await page.goto(`${h.base}/environments/prod/runs/${run.id}?tab=explore&model=${encodeURIComponent(failed.model)}`);
  await page.waitForSelector('[data-testid=model-details]');
  assert.deepEqual(await page.$$eval('[data-mtab]', (ts) => ts.map((t) => t.tabIndex)), [0, -1, -1, -1, -1, -1]);
  await page.focus('[data-mtab=overview]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('[data-testid=model-details] .sql');
  assert.equal(new URL(page.url()).searchParams.get('mtab'), 'definition');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.mtab), 'definition');
  assert.equal(await page.getAttribute('#model-tabpanel', 'aria-labelledby'), 'model-tab-definition');
  await page.keyboard.press('End');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('mtab') === 'log');
  assert.equal(await page.evaluate(() => window.__mouse), 0);
  await page.context().close();
});
