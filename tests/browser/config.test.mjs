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

test('a field of another type, or a file that is not an object, is ignored', async () => {
  for (const body of [JSON.stringify({ api_base: 5, request_timeout_s: 'x' }), '[1, 2]', 'not json']) {
    const page = await withConfig(body);
    await page.goto(`${h.base}/`);
    await page.waitForSelector('a[data-env]');
    assert.deepEqual(await shownEnvs(page), envNames(), body);
    assert.deepEqual(page.errors, [], body);
    await page.context().close();
  }
});
