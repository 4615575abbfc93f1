// Explore Executions: the lineage graph and model details (headless Chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, readApi, API_DIR } from './harness.mjs';

let h;
before(async () => { h = await launch(); });
after(async () => { await h?.close(); });

test('a failed run: failed node drawn as failed, details with SQL, impact moves the selection, reload keeps it', async () => {
  const page = await h.page({ viewport: { width: 1440, height: 1000 } });
  const run = readApi('environments/prod/activity.json').activity.find((a) => a.kind === 'run' && a.status === 'failed');
  const doc = readApi(`environments/prod/runs/${run.id}.json`);
  const failed = doc.executions.find((e) => e.status === 'failed');
  const model = doc.models.find((m) => m.name === failed.model);

  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  await page.click('[data-tab=explore]');
  const node = `[data-testid=graph] g.node[data-model="${failed.model}"]`;
  await page.waitForSelector(node);
  // Every model of the run (and every upstream it names) is a node of the graph.
  const names = new Set(doc.models.flatMap((m) => [m.name, ...m.upstream]));
  assert.equal(await page.textContent('[data-tab=explore] .tab__count'), String(names.size));
  assert.equal(await page.getAttribute(node, 'data-status'), 'failed');
  assert.match(await page.getAttribute(node, 'class'), /node--failed/);
  assert.equal((await page.textContent(`${node} .node__badge text`)).trim(), 'Failed');
  // The model list shows the failed model's error under its name.
  assert.equal(await page.textContent(`[data-testid=model-list] li[data-model="${failed.model}"] .model-list__error`), failed.error.split('\n')[0]);

  await page.click(node);
  await page.waitForSelector('[data-testid=model-details]');
  assert.equal(await page.textContent('[data-testid=model-name]'), failed.model);
  assert.equal(new URL(page.url()).searchParams.get('model'), failed.model);
  await page.click('[data-mtab=definition]');
  const sql = await page.$$eval('[data-testid=sql] .sql__code', (tds) => tds.map((td) => td.textContent).join('\n'));
  assert.equal(sql.trimEnd(), model.definition.trimEnd());
  assert.equal(new URL(page.url()).searchParams.get('mtab'), 'definition');

  // Impact: downstream models grouped by status; clicking one moves the selection.
  await page.click('[data-mtab=impact]');
  const downstream = doc.models.filter((m) => m.upstream.includes(failed.model)).map((m) => m.name).sort();
  const shown = await page.$$eval('[data-testid=impact-down] a[data-model]', (as) => as.map((a) => a.dataset.model));
  for (const d of downstream) assert.ok(shown.includes(d), `${d} missing from impact`);
  const target = downstream[0];
  await page.click(`[data-testid=impact-down] a[data-model="${target}"]`);
  await page.waitForFunction((t) => document.querySelector('[data-testid=model-name]')?.textContent === t, target);
  assert.equal(new URL(page.url()).searchParams.get('model'), target);
  assert.match(await page.getAttribute(`[data-testid=graph] g.node[data-model="${target}"]`, 'class'), /node--selected/);

  await page.reload();
  await page.waitForSelector('[data-testid=model-details]');
  assert.equal(await page.textContent('[data-testid=model-name]'), target);
  assert.match(await page.getAttribute(`[data-testid=graph] g.node[data-model="${target}"]`, 'class'), /node--selected/);
  // The selection is centred in the canvas.
  const box = await page.locator(`[data-testid=graph] g.node[data-model="${target}"] .node__box`).boundingBox();
  const canvas = await page.locator('[data-testid=graph]').boundingBox();
  assert.ok(Math.abs(box.x + box.width / 2 - (canvas.x + canvas.width / 2)) < 4, 'centred horizontally');
  assert.ok(Math.abs(box.y + box.height / 2 - (canvas.y + canvas.height / 2)) < 4, 'centred vertically');

  // "1 hop" keeps only the selection and its direct neighbours.
  await page.click('.seg__btn:has-text("1 hop")');
  const hop = await page.$$eval('[data-testid=graph] g.node', (gs) => gs.map((g) => g.dataset.model).sort());
  const t = doc.models.find((m) => m.name === target);
  const expected = [...new Set([target, ...t.upstream, ...doc.models.filter((m) => m.upstream.includes(target)).map((m) => m.name)])].sort();
  assert.deepEqual(hop, expected);
  assert.equal(new URL(page.url()).searchParams.get('hood'), '1');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a model name in the executions table opens it in the lineage graph', async () => {
  const page = await h.page();
  const run = readApi('environments/prod/activity.json').activity.find((a) => a.kind === 'run' && a.end);
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  await page.click('tr[data-model="staging.stg_orders"] a.model-link');
  await page.waitForSelector('[data-testid=model-details]');
  assert.equal(await page.textContent('[data-testid=model-name]'), 'staging.stg_orders');
  assert.equal(new URL(page.url()).searchParams.get('tab'), 'explore');
  await page.context().close();
});

test('selecting models one after another reads the previous run once', async () => {
  const page = await h.page();
  const run = readApi('environments/prod/activity.json').activity.find((a) => a.kind === 'run' && a.end);
  const doc = readApi(`environments/prod/runs/${run.id}.json`);
  assert.ok(doc.previous_run_id, 'the run has a previous run');
  const previous = `/environments/prod/runs/${doc.previous_run_id}.json`;
  const reads = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.endsWith(previous)) reads.push(r.url()); });
  const models = [...new Set(doc.executions.map((e) => e.model))].slice(0, 3);
  await page.goto(`${h.base}/environments/prod/runs/${run.id}?tab=explore&model=${encodeURIComponent(models[0])}`);
  const loaded = (m) => page.waitForFunction((m) => document.querySelector('[data-testid=model-name]')?.textContent === m
    && [...document.querySelectorAll('[data-testid=model-details] .overview a.small')].some((a) => a.textContent.startsWith('Run ')), m);
  await loaded(models[0]);
  for (const m of models.slice(1)) {
    await page.click(`[data-testid=model-list] li[data-model="${m}"] a`);
    await loaded(m);
  }
  // Back to the first model.
  await page.click(`[data-testid=model-list] li[data-model="${models[0]}"] a`);
  await loaded(models[0]);
  assert.equal(reads.length, 1, `previous run read ${reads.length} times`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/// The camera `<g>`'s transform: [tx, ty, k].
const cameraOf = (page) => page.$eval('[data-testid=graph] svg.graph__svg > g[transform]', (g) => {
  const m = /translate\(([-\d.]+),([-\d.]+)\) scale\(([-\d.]+)\)/.exec(g.getAttribute('transform'));
  return m.slice(1).map(Number);
});

test('far out the graph is marks: a drag or a wheel moves the painted layer, the drawing follows at the end; the mini-map goes where clicked', async () => {
  const page = await h.page({ viewport: { width: 1440, height: 1000 } });
  const run = readApi('environments/prod/activity.json').activity.find((a) => a.kind === 'run' && a.status === 'failed');
  await page.goto(`${h.base}/environments/prod/runs/${run.id}?tab=explore`);
  await page.waitForSelector('[data-testid=graph][data-detail=boxes] g.node');
  const graph = page.locator('[data-testid=graph]');
  await graph.scrollIntoViewIfNeeded();
  const box = await graph.boundingBox();

  // At 100 % the demo graph is larger than the view: the mini-map shows, and
  // a click on it centres the view on that point.
  await page.waitForSelector('[data-testid=minimap]');
  const before = await cameraOf(page);
  const mm = await page.locator('[data-testid=minimap]').boundingBox();
  // The mini-map's own transform says which layout point is under (150, 70)
  // inside its 1 px border.
  const [mx, my, ms] = await page.$eval('.minimap__marks > g', (g) => {
    const m = /translate\(([-\d.]+),([-\d.]+)\) scale\(([-\d.]+)\)/.exec(g.getAttribute('transform'));
    return m.slice(1).map(Number);
  });
  const [px, py] = [150, 70];
  const target = [(px - mx) / ms, (py - my) / ms];
  await page.mouse.click(mm.x + 1 + px, mm.y + 1 + py);
  await page.waitForFunction((t) => !document.querySelector('[data-testid=graph] svg.graph__svg > g[transform]').getAttribute('transform').startsWith(t), `translate(${before[0].toFixed(1)},${before[1].toFixed(1)})`);
  const afterClick = await cameraOf(page);
  assert.equal(afterClick[2], before[2], 'same zoom');
  const [w, hgt] = await page.$eval('[data-testid=graph]', (el) => [el.clientWidth, el.clientHeight]);
  const centre = [(w / 2 - afterClick[0]) / afterClick[2], (hgt / 2 - afterClick[1]) / afterClick[2]];
  // Centred on the clicked point, to within a mini-map pixel.
  assert.ok(Math.abs(centre[0] - target[0]) <= 1 / ms && Math.abs(centre[1] - target[1]) <= 1 / ms, `centre ${centre} for ${target}`);

  // Dragging boxes: the painted layer moves, and the drawing catches up
  // (culled anew) once the view has moved 80 px.
  {
    const [x0, y0] = [box.x + box.width / 2, box.y + box.height / 2];
    const start = await cameraOf(page);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0 + 50, y0, { steps: 2 });
    await page.waitForFunction(() => document.querySelector('svg.graph__svg').getAttribute('style')?.includes('translate(50.0px,0.0px)'));
    assert.deepEqual(await cameraOf(page), start, 'boxes stay drawn where they were for 50 px');
    await page.mouse.move(x0 + 100, y0);
    await page.waitForFunction(() => !document.querySelector('svg.graph__svg').getAttribute('style'));
    const moved = await cameraOf(page);
    assert.ok(Math.abs(moved[0] - (start[0] + 100)) < 0.11 && moved[1] === start[1], `${start} -> ${moved}`);
    await page.mouse.up();
  }

  // Zoomed out to marks: a handful of paths, no boxes.
  await page.focus('[data-testid=graph]');
  for (let i = 0; i < 12 && (await graph.getAttribute('data-detail')) !== 'marks'; i++) await page.keyboard.press('-');
  await page.waitForSelector('[data-testid=graph][data-detail=marks] path.marks');
  assert.equal(await page.$$eval('[data-testid=graph] g.node', (n) => n.length), 0);
  const drawn = await cameraOf(page);

  // A drag: the painted layer moves (CSS transform), the drawing does not...
  const [x0, y0] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x0 + 40, y0 + 25, { steps: 4 });
  await page.waitForFunction(() => document.querySelector('svg.graph__svg').getAttribute('style')?.includes('translate(40.0px,25.0px)'));
  assert.deepEqual(await cameraOf(page), drawn, 'the camera waits for the end of the drag');
  assert.match(await page.getAttribute('svg.graph__svg', 'style'), /scale\(1\.00000\)/);
  // ...until the button is released: then the camera has moved by the drag.
  await page.mouse.up();
  await page.waitForFunction(() => !document.querySelector('svg.graph__svg').getAttribute('style'));
  const panned = await cameraOf(page);
  assert.ok(Math.abs(panned[0] - (drawn[0] + 40)) < 0.11 && Math.abs(panned[1] - (drawn[1] + 25)) < 0.11, `${drawn} -> ${panned}`);

  // A wheel zoom: scaled on the compositor, drawn anew once the wheel rests.
  const label = await page.textContent('.zoom-label');
  // The scaled picture lasts only until the wheel rests: an observer sees it.
  await page.$eval('svg.graph__svg', (svg) => {
    window.__styles = [];
    new MutationObserver(() => window.__styles.push(svg.getAttribute('style') ?? '')).observe(svg, { attributes: true, attributeFilter: ['style'] });
  });
  await page.mouse.wheel(0, -200);
  await page.waitForFunction(() => window.__styles.length >= 2 && !document.querySelector('svg.graph__svg').getAttribute('style'));
  assert.ok((await page.evaluate(() => window.__styles)).some((st) => /scale\((?!1\.00000)/.test(st)), 'scaled on the compositor first');
  const zoomed = await cameraOf(page);
  assert.ok(zoomed[2] > panned[2], `zoomed in: ${panned[2]} -> ${zoomed[2]}`);
  // About the pointer: the layout point under it stays under it.
  const [sx, sy] = [x0 + 40 - box.x, y0 + 25 - box.y];
  const under = (c) => [(sx - c[0]) / c[2], (sy - c[1]) / c[2]];
  const [u0, u1] = [under(panned), under(zoomed)];
  assert.ok(Math.abs(u0[0] - u1[0]) < 1 && Math.abs(u0[1] - u1[1]) < 1, `${u0} stays under the pointer: ${u1}`);
  assert.notEqual(await page.textContent('.zoom-label'), label);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a run page starts the layout worker before Explore is opened', async () => {
  // Its wasm compiles while the run is read, so a big lineage is not kept
  // waiting for the worker to boot when Explore opens.
  const page = await h.page();
  const run = readApi('environments/prod/activity.json').activity.find((a) => a.kind === 'run');
  await page.goto(`${h.base}/environments/prod/runs/${run.id}`);
  await page.locator('[data-testid=executions-table] tbody tr[data-model]').first().waitFor();
  for (let i = 0; i < 100 && page.workers().length === 0; i++) await page.waitForTimeout(100);
  assert.deepEqual(page.workers().map((w) => new URL(w.url()).pathname), ['/runlens-layout-worker_loader.js']);
  // Nothing was laid out: the demo's lineages are small (laid out on the
  // page) and Explore was not opened.
  assert.equal(await page.evaluate(() => window.__runlensLayouts ?? 0), 0);
  assert.equal(await page.locator('[data-testid=graph]').count(), 0);
  await page.context().close();
});

test('fitted, every node and every edge of a graph too big for one task is drawn', async () => {
  // A new graph is drawn boxes first, then edges, a task's worth at a time
  // (core::lod::Drawn: 6 units a box, 1 an edge, 400 a task); the drawing
  // goes on until all that is in view is drawn. The failed demo run with 40
  // more models (8 chains of 5 from its sources) is more than a task's worth.
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-explore-'));
  fs.cpSync(API_DIR, store, { recursive: true });
  const run = readApi('environments/prod/activity.json').activity.find((a) => a.kind === 'run' && a.status === 'failed');
  const rel = `environments/prod/runs/${run.id}.json`;
  const doc = readApi(rel);
  const sources = doc.models.filter((m) => m.upstream.length === 0).map((m) => m.name);
  for (let c = 0; c < 8; c++) {
    for (let i = 0; i < 5; i++) {
      doc.models.push({ ...doc.models[0], name: `wide.chain_${c}_${i}`, kind: 'VIEW',
        upstream: [i === 0 ? sources[c % sources.length] : `wide.chain_${c}_${i - 1}`] });
    }
  }
  fs.writeFileSync(path.join(store, rel), JSON.stringify(doc));
  const names = new Set(doc.models.flatMap((m) => [m.name, ...m.upstream]));
  const edges = new Set(doc.models.flatMap((m) => m.upstream.filter((u) => u !== m.name).map((u) => `${u}>${m.name}`)));
  assert.ok(names.size * 6 + edges.size > 400, `${names.size} boxes and ${edges.size} edges fit in one task`);

  const hs = await launch({ mounts: { '/store': store } });
  try {
    const page = await hs.page({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${hs.base}/environments/prod/runs/${run.id}?api=/store&tab=explore`);
    await page.waitForSelector('[data-testid=graph] g.node');
    await page.focus('[data-testid=graph]');
    await page.keyboard.press('f');
    await page.waitForFunction(([n, e]) => document.querySelectorAll('[data-testid=graph] g.node').length === n
      && document.querySelectorAll('[data-testid=graph] path.edge').length === e, [names.size, edges.size]);
    assert.equal(await page.getAttribute('[data-testid=graph]', 'data-detail'), 'boxes');
    assert.deepEqual(page.errors, []);
  } finally {
    await hs.close();
    fs.rmSync(store, { recursive: true, force: true });
  }
});
