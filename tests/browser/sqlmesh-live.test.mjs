// A real SQLMesh run, recorded by integrations/sqlmesh while it happens,
// watched in the browser: in progress with a partial count, then finished,
// without a reload, with the user's filter and open drawer kept.
//
// Needs tests/sqlmesh/.venv and a release runlens-ingest (scripts/test.sh
// builds both before the browser tests).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, ROOT } from './harness.mjs';

const ingest = path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'release', 'runlens-ingest');
const store = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-sqlmesh-live-'));
const shots = path.join(ROOT, 'target', 'screenshots');
let h;
after(async () => { if (h) await h.close(); });

const text = async (page, sel) => (await page.textContent(sel)).replace(/\s+/g, ' ').trim();
const readJson = (rel) => { try { return JSON.parse(fs.readFileSync(path.join(store, rel), 'utf8')); } catch { return null; } };

test('a SQLMesh run is followed live: partial progress, then its end, with filter and drawer kept', { timeout: 240_000 }, async () => {
  assert.ok(fs.existsSync(path.join(ROOT, 'tests/sqlmesh/.venv')), 'tests/sqlmesh/.venv is missing: run scripts/setup.sh');
  assert.ok(fs.existsSync(ingest), `${ingest} is missing: cargo build --release --bin runlens-ingest`);
  fs.mkdirSync(shots, { recursive: true });
  // The slow model sleeps 20 s in the watched run.
  const child = spawn(path.join(ROOT, 'tests/sqlmesh/live.sh'), [store, ingest, '20'], { cwd: ROOT });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));
  try {
    for (let i = 0; i < 1200 && !out.includes('live run starting'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(out.includes('live run starting'), out);
    // The watched run as the store has it, once in progress.
    let id = null;
    for (let i = 0; i < 300 && !id; i++) {
      const act = readJson('environments/prod/activity.json');
      id = act?.activity.find((a) => a.kind === 'run' && a.status === 'in_progress')?.id ?? null;
      if (!id) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(id, `no run in progress appeared in the store\n${out}`);

    h = await launch({ mounts: { '/store': store } });
    const page = await h.page({ fixedClock: false });
    await page.goto(`${h.base}/environments/prod/runs/${id}?api=/store&poll=1`);
    await page.waitForSelector('[data-testid=run-progress]');
    assert.equal(await text(page, '[data-testid=run-status]'), 'In progress');
    const progress = await text(page, '[data-testid=run-progress]');
    const [, done, planned] = progress.match(/^(\d+) of (\d+) executions finished$/) || [];
    assert.ok(Number(planned) >= 5 && Number(done) < Number(planned), progress);
    // The user's view: a filter, and the slow model's drawer open.
    await page.fill('input.filter', 'slow_model');
    await page.waitForFunction(() => location.search.includes('q=slow_model'));
    await page.evaluate(() => {
      history.pushState({}, '', `${location.pathname}${location.search}&exec=sqlmesh_example.slow_model`);
      dispatchEvent(new PopStateEvent('popstate', { state: {} }));
    });
    await page.waitForSelector('[data-testid=exec-drawer]');
    assert.equal(await text(page, '[data-testid=exec-drawer] .drawer__meta [data-status]'), 'In progress');
    await page.screenshot({ path: path.join(shots, 'sqlmesh-live-midrun.png'), fullPage: true });

    // The run ends (SQLMesh fails it: payments), seen without a reload.
    await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent.trim() === 'Failed', null, { timeout: 120_000 });
    assert.equal(await page.$('[data-testid=run-progress]'), null, 'no progress once it ended');
    assert.equal(await page.inputValue('input.filter'), 'slow_model');
    assert.equal(await text(page, '[data-testid=exec-drawer] h2'), 'sqlmesh_example.slow_model');
    assert.equal(await text(page, '[data-testid=exec-drawer] .drawer__meta [data-status]'), 'Complete');
    const rows = Object.fromEntries(await page.$$eval('[data-testid=executions-table] tbody tr[data-model]',
      (r) => r.map((x) => [x.dataset.model, x.querySelector('[data-status]').textContent.trim()])));
    // The filter still applies to the new version's rows.
    assert.deepEqual(rows, { 'sqlmesh_example.slow_model': 'Complete' });
    await page.screenshot({ path: path.join(shots, 'sqlmesh-live-after.png'), fullPage: true });
    assert.equal(await exited, 0, out);
  } finally {
    child.kill();
  }
});
