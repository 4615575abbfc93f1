// The app's WebAssembly in parts (scripts/split-wasm.mjs): a first visit
// fetches the shell and its page's parts, exactly the files the size report
// counts; other pages' parts are only prefetched; a part that cannot be
// downloaded says so, with a reload that recovers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, readApi, ROOT, STATUS_LABEL } from './harness.mjs';
import { firstLoad, parts, HOME } from './size-report.mjs';

const DIST = path.join(ROOT, 'dist');
let h;
before(async () => { h = await launch(); });
after(async () => { await h?.close(); });

/// The app's files (wasm, js, css) a visit asks for, split into what it
/// needs (fetched, until the network is idle) and what the browser
/// prefetched before the page was drawn.
async function visit(page, url, ready) {
  const fetched = new Set();
  const prefetched = new Set();
  const pending = [];
  page.on('request', (r) => {
    const file = new URL(r.url()).pathname.slice(1);
    if (!/\.(wasm|js|css)$/.test(file)) return;
    pending.push(r.allHeaders().then((headers) => {
      ((headers['sec-purpose'] ?? '').includes('prefetch') ? prefetched : fetched).add(file);
    }, () => {}));
  });
  await page.goto(`${h.base}${url}`);
  await page.waitForSelector(ready);
  await Promise.all([...pending]);
  const prefetchedBeforeDrawn = new Set(prefetched);
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  return { fetched, prefetched: prefetchedBeforeDrawn };
}

test('a first visit to / fetches exactly the files the size report counts, and draws the page', async () => {
  const split = parts(DIST);
  assert.ok(split, 'dist/runlens-parts.json is missing: the build is not split');
  const page = await h.page();
  const runPart = split['run-route-view'][0];
  const prefetch = page.waitForRequest((r) => r.url().endsWith(`/${runPart}`));
  const { fetched, prefetched } = await visit(page, '/', 'a[data-env=prod]');
  const counted = firstLoad(DIST, HOME).map((r) => r.file);
  assert.deepEqual([...fetched].sort(), [...counted].sort());
  // The run page's own part is not among them: the app has the browser
  // prefetch it once the page is drawn, and nothing before.
  assert.ok(!fetched.has(runPart), `${runPart} was fetched on /`);
  assert.ok(!prefetched.has(runPart), `${runPart} was prefetched before the page was drawn`);
  assert.match((await (await prefetch).allHeaders())['sec-purpose'] ?? '', /prefetch/);
  // What the page shows comes from the environments document.
  const envs = readApi('environments.json').environments.map((e) => e.name);
  assert.deepEqual(await page.$$eval('a[data-env]', (as) => as.map((a) => a.dataset.env)), envs);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a link into a run page fetches the run page\'s parts, not the environment page\'s', async () => {
  const split = parts(DIST);
  const run = readApi('environments/prod/activity.json').activity.find((a) => a.kind === 'run' && a.end);
  const page = await h.page();
  const { fetched } = await visit(page, `/environments/prod/runs/${run.id}`, '[data-testid=run-header]');
  for (const f of split['run-route-view']) assert.ok(fetched.has(f), `${f} was not fetched`);
  const envPart = split['environment-route-view'][0];
  assert.ok(!fetched.has(envPart), `${envPart} was fetched for a run page`);
  const doc = readApi(`environments/prod/runs/${run.id}.json`);
  assert.equal((await page.textContent('[data-testid=run-status]')).trim(), STATUS_LABEL[doc.status]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a part that cannot be downloaded says so; Reload recovers once it can', async () => {
  const split = parts(DIST);
  const run = readApi('environments/prod/activity.json').activity.find((a) => a.kind === 'run' && a.end);
  const page = await h.page();
  const runPart = `**/${split['run-route-view'][0]}`;
  await page.route(runPart, (r) => r.abort());
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  const alert = page.locator('#part-failed[role=alert]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /A part of runlens could not be downloaded: the network failed, or a new version was deployed/);
  await page.unroute(runPart);
  await alert.getByRole('button', { name: 'Reload' }).click();
  await page.waitForSelector('[data-testid=run-header]');
  assert.equal(await page.locator('#part-failed').count(), 0);
  await page.context().close();
});
