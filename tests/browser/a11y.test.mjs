// Issue 14: zero axe-core violations (default rules, every impact) on every
// page and state the browser tests visit, in the light and the dark theme.
// A failure lists each violation with its rule, impact and the selectors of
// the offending nodes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launch, readApi } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const RUN = 'e07b1c3d47e07cb9c36bc2ace45ae5f7'; // the demo's failed prod run (an OOM)
const runUrl = (q = '') => `/environments/prod/runs/${RUN}${q}`;
const doc = readApi(`environments/prod/runs/${RUN}.json`);
const failed = doc.executions.find((e) => e.status === 'failed' && e.log_id);
const failedAudit = doc.audits.find((a) => a.status === 'failed');
const logged = doc.executions.find((e) => e.log_id);
const enc = encodeURIComponent;

let h;
let broken;
before(async () => {
  // A store whose environments.json is not JSON: the error page with its retry.
  broken = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-a11y-'));
  fs.writeFileSync(path.join(broken, 'environments.json'), '{"environments": [');
  h = await launch({ mounts: { '/bad': broken } });
});
after(async () => {
  await h?.close();
  fs.rmSync(broken, { recursive: true, force: true });
});

/// Every page and state the browser tests visit: [name, url, selector to wait for, optional action].
const STATES = [
  ['environments', '/', 'a[data-env=prod]'],
  ['environment prod', '/environments/prod', '[data-testid=activities-table] tbody tr[data-id]'],
  ['environment dev (differences)', '/environments/dev', '[data-testid=env-diff]'],
  ['failed run, executions', runUrl(), '[data-testid=executions-table] tbody tr[data-model]'],
  ['failed run, executions filtered to failed', runUrl('?status=failed'), '[data-testid=executions-table] tbody tr[data-model]'],
  ['execution drawer with its log', runUrl(`?status=failed&exec=${enc(failed.model)}`), '[data-testid=exec-drawer] [data-testid=log-viewer] .logv__row'],
  ['log viewer with a linked line and a search', runUrl(`?exec=${enc(logged.model)}&line=3&lq=a`), '[data-testid=log-viewer] .logv__row--linked'],
  ['audits', runUrl('?tab=audits'), '[data-testid=audits-table] tbody tr[data-audit]'],
  ['audit drawer', runUrl(`?tab=audits&audit=${enc(`${failedAudit.model}::${failedAudit.name}`)}`), '[data-testid=audit-drawer]'],
  ['timeline', runUrl('?tab=timeline'), '[data-testid=timeline-svg] rect.tl-bar'],
  ['explore, a model selected', runUrl(`?tab=explore&model=${enc(failed.model)}`), '[data-testid=model-details]'],
  ['explore, its definition', runUrl(`?tab=explore&model=${enc(failed.model)}&mtab=definition`), '.sql'],
  ['explore, its impact', runUrl(`?tab=explore&model=${enc(failed.model)}&mtab=impact`), '[data-testid=model-details]'],
  ['run log open', runUrl(), '[data-testid=run-header]', async (page) => {
    const toggle = await page.$('[data-testid=run-log-toggle]');
    if (toggle) {
      await toggle.press('Enter');
      await page.waitForSelector('[data-testid=run-log] [data-testid=log-viewer]');
    }
  }],
  ['shortcut sheet', runUrl(), '[data-testid=executions-table] tbody tr[data-model]', async (page) => {
    await page.keyboard.press('Shift+Slash');
    await page.waitForSelector('[data-testid=shortcut-sheet]');
  }],
  ['run not found', '/environments/prod/runs/00000000000000000000000000000000', '[data-testid=not-found]'],
  ['environment not found', '/environments/nope', '[data-testid=not-found]'],
  ['page not found', '/no/such/page', '[data-testid=not-found]'],
  ['error with a retry', '/?api=/bad', '.error-panel'],
];

async function violations(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}${n.any[0]?.message ? ` (${n.any[0].message})` : ''}`),
    }));
  });
}

function report(found) {
  return found
    .map(({ state, id, impact, nodes }) => `${state}: ${id} [${impact}] x${nodes.length}\n    ${nodes.slice(0, 8).join('\n    ')}`)
    .join('\n');
}

for (const [scheme, width] of [['light', 1440], ['dark', 1440], ['dark', 768]]) {
  test(`zero axe-core violations on every page and state, ${scheme} theme, ${width} px wide`, async () => {
    const page = await h.page({ viewport: { width, height: 900 } });
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const found = [];
    for (const [name, url, ready, action] of STATES) {
      await page.goto(`${h.base}${url}`);
      await page.waitForSelector(ready);
      if (action) await action(page);
      // The theme the page shows is the one asked for.
      const dark = await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
      assert.equal(dark, scheme, `${name}: color-scheme`);
      for (const v of await violations(page)) found.push({ state: name, ...v });
    }
    assert.equal(found.length, 0, `axe-core violations (${scheme}):\n${report(found)}`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('the theme switch overrides the system, is remembered, and Auto follows the system again', async () => {
  const page = await h.page();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${h.base}/`);
  await page.waitForSelector('a[data-env=prod]');
  const scheme = () => page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await page.getAttribute('[data-theme-choice=auto]', 'aria-pressed'), 'true');
  assert.equal(await background(), 'rgb(246, 247, 249)');
  await page.click('[data-theme-choice=dark]');
  assert.equal(await scheme(), 'dark');
  assert.equal(await background(), 'rgb(14, 18, 23)');
  assert.equal(await page.getAttribute('[data-theme-choice=dark]', 'aria-pressed'), 'true');
  await page.reload();
  await page.waitForSelector('a[data-env=prod]');
  assert.equal(await scheme(), 'dark', 'remembered after a reload');
  assert.equal(await page.getAttribute('[data-theme-choice=dark]', 'aria-pressed'), 'true');
  // Light on a dark system.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.click('[data-theme-choice=light]');
  assert.equal(await scheme(), 'light');
  await page.click('[data-theme-choice=auto]');
  assert.equal(await scheme(), 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.equal(await scheme(), 'light');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
