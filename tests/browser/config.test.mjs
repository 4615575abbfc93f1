// config.json (README, "Configuration"), read by the browser's JSON parser
// in the app's main part: each field is used, a field of another type or a
// file of another shape is ignored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, readApi, API_DIR } from './harness.mjs';

let h;
before(async () => { h = await launch({ mounts: { '/alt': API_DIR }, hang: ['/slow'] }); });
after(async () => { await h?.close(); });

async function withConfig(body) {
  const page = await h.page();
  await page.route('**/config.json', (r) => r.fulfill({ contentType: 'application/json', body }));
  return page;
}

const envNames = () => readApi('environments.json').environments.map((e) => e.name);
const shownEnvs = (page) => page.$$eval('a[data-env]', (as) => as.map((a) => a.dataset.env));

test('api_base is where the app reads the Run API', async () => {
  const page = await withConfig(JSON.stringify({ api_base: '/alt' }));
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.goto(`${h.base}/`);
  await page.waitForSelector('a[data-env]');
  assert.deepEqual(await shownEnvs(page), envNames());
  assert.ok(asked.includes('/alt/environments.json'), asked.join(' '));
  assert.ok(!asked.includes('/api/environments.json'));
  await page.context().close();
});

test('request_timeout_s bounds a request, and the message says how long it waited', async () => {
  const page = await withConfig(JSON.stringify({ api_base: '/slow', request_timeout_s: 0.5 }));
  await page.goto(`${h.base}/`);
  const error = page.locator('.error-panel');
  await error.waitFor({ timeout: 10_000 });
  assert.match(await error.textContent(), /did not answer within 0\.5 s/);
  await page.context().close();
});

test('poll_interval_s sets how often a run in progress is read again', async () => {
  const run = readApi('environments/prod/activity.json').activity.find((a) => a.kind === 'run' && !a.end);
  assert.ok(run, 'the demo has a run in progress');
  const count = async (config) => {
    const page = await withConfig(JSON.stringify(config));
    const asked = [];
    page.on('request', (r) => { if (r.url().endsWith(`/alt/environments/prod/runs/${run.id}.json`)) asked.push(r); });
    await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
    await page.waitForSelector('[data-testid=run-header]');
    await page.waitForTimeout(2600);
    await page.context().close();
    return asked.length;
  };
  // The first read, then one a second; at the default (5 s), only the first.
  assert.ok((await count({ api_base: '/alt', poll_interval_s: 1 })) >= 3);
  assert.equal(await count({ api_base: '/alt' }), 1);
});

test('a field of another type is ignored, the others used; a file that is not an object is ignored', async () => {
  const page = await withConfig(JSON.stringify({ api_base: '/alt', request_timeout_s: 'x', poll_interval_s: [] }));
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.goto(`${h.base}/`);
  await page.waitForSelector('a[data-env]');
  assert.ok(asked.includes('/alt/environments.json'), asked.join(' '));
  assert.deepEqual(page.errors, []);
  await page.context().close();
  for (const body of ['[1, 2]', 'not json', '"a string"']) {
    const page = await withConfig(body);
    await page.goto(`${h.base}/`);
    await page.waitForSelector('a[data-env]');
    assert.deepEqual(await shownEnvs(page), envNames(), body);
    assert.deepEqual(page.errors, [], body);
    await page.context().close();
  }
});
