// Benchmark: runlens against dbt-docs on the same dbt project, from
// navigation to the full lineage graph drawn, in one headless Chromium run.
//
// The project is the real sagerx one (../shared/dbt) repeated under new
// names (4 copies: 424 models, 4 seeds, 236 tests, 120 sources), with its
// run_results and a catalog.json synthesised from the manifest's columns
// (dbt 1.10's catalog v1 shape). Both apps get the same manifest.json and
// catalog.json, served by the same static server (no compression):
//  - runlens: the run page's Explore tab through `?dbt=`
//    (/environments/<target>/runs/<invocation>?dbt=…&tab=explore), drawn
//    when the graph's model boxes are in the DOM (next animation frame);
//  - dbt-docs: its own index.html from the installed dbt-core
//    (tests/dbt/.venv, dbt/task/docs/index.html) at #!/overview?g_v=1, the
//    full-project lineage graph, drawn when cytoscape holds every graph node
//    with a laid-out position and has painted its node canvas.
// Times are the page's own clock from navigation start (performance.now()).
// Each round opens both in fresh browser contexts (cold caches), alternating
// which goes first; the median of the rounds is printed with the ratio.
//
//   node tests/browser/bench-dbt-docs.mjs [--copies 4] [--rounds 5]
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT } from './harness.mjs';
import { startServer } from './serve.mjs';

const args = process.argv.slice(2);
const arg = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const copies = arg('--copies', 4);
const rounds = arg('--rounds', 5);
// --screenshots DIR: each app's page as it was when counted as drawn (last round).
const shots = args.includes('--screenshots') ? path.resolve(args[args.indexOf('--screenshots') + 1]) : null;
if (shots) fs.mkdirSync(shots, { recursive: true });

const shared = path.join(ROOT, '../shared/dbt');
const docsIndex = path.join(ROOT, 'tests/dbt/.venv/lib/python3.11/site-packages/dbt/task/docs/index.html');
if (!fs.existsSync(docsIndex)) throw new Error(`dbt-docs not found at ${docsIndex}: run scripts/test.sh once (it installs dbt-core)`);

// ---- the project: sagerx × copies ----
const manifest = JSON.parse(fs.readFileSync(path.join(shared, 'sagerx-manifest-v12.json'), 'utf8'));
const results = JSON.parse(fs.readFileSync(path.join(shared, 'sagerx-run_results-v6.json'), 'utf8'));
const rename = (s, k) => s.replace(/^(model|test|seed|snapshot|source|unit_test)\.sagerx\./, `$1.sagerx${k}.`);
const big = { ...manifest, nodes: {}, sources: {}, parent_map: {}, child_map: {} };
const bigResults = { ...results, results: [] };
for (let k = 0; k < copies; k++) {
  for (const [uid, n] of Object.entries(manifest.nodes)) {
    big.nodes[rename(uid, k)] = {
      ...n, unique_id: rename(uid, k), name: `${n.name}_${k}`, alias: n.alias ? `${n.alias}_${k}` : n.alias,
      depends_on: { ...n.depends_on, nodes: (n.depends_on?.nodes || []).map((d) => rename(d, k)) },
      attached_node: n.attached_node ? rename(n.attached_node, k) : n.attached_node,
    };
  }
  for (const [uid, s] of Object.entries(manifest.sources)) {
    big.sources[rename(uid, k)] = { ...s, unique_id: rename(uid, k), source_name: `${s.source_name}_${k}` };
  }
  for (const key of ['parent_map', 'child_map']) {
    for (const [uid, list] of Object.entries(manifest[key] || {})) big[key][rename(uid, k)] = list.map((d) => rename(d, k));
  }
  for (const r of results.results) bigResults.results.push({ ...r, unique_id: rename(r.unique_id, k) });
}
// catalog.json: every model, seed and source with its documented columns.
const catalogEntry = (uid, n, schema, name) => ({
  unique_id: uid,
  metadata: { type: n.config?.materialized === 'view' ? 'VIEW' : 'BASE TABLE', schema, name, database: n.database ?? null, comment: null, owner: 'sagerx' },
  columns: Object.fromEntries(Object.values(n.columns || {}).map((c, i) => [c.name, { type: c.data_type || 'text', index: i + 1, name: c.name, comment: null }])),
  stats: { has_stats: { id: 'has_stats', label: 'Has Stats?', value: false, include: false, description: 'Indicates whether there are statistics for this table' } },
});
const catalog = {
  metadata: {
    dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json', dbt_version: '1.10.23',
    generated_at: results.metadata.generated_at, invocation_id: results.metadata.invocation_id, env: {},
  },
  nodes: Object.fromEntries(Object.entries(big.nodes).filter(([, n]) => ['model', 'seed', 'snapshot'].includes(n.resource_type))
    .map(([uid, n]) => [uid, catalogEntry(uid, n, n.schema, n.alias || n.name)])),
  sources: Object.fromEntries(Object.entries(big.sources).map(([uid, s]) => [uid, catalogEntry(uid, s, s.schema, s.identifier || s.name)])),
  errors: null,
};
const count = (t) => Object.values(big.nodes).filter((n) => n.resource_type === t).length;
const models = count('model');
const graphNodes = models + count('seed') + count('snapshot') + Object.keys(big.sources).length;

const out = path.join(ROOT, 'target', 'bench-dbt-docs');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(big));
fs.writeFileSync(path.join(out, 'catalog.json'), JSON.stringify(catalog));
fs.writeFileSync(path.join(out, 'run_results.json'), JSON.stringify(bigResults));
fs.copyFileSync(docsIndex, path.join(out, 'index.html'));
const mb = (f) => (fs.statSync(path.join(out, f)).size / 1e6).toFixed(1);

// ---- the two measurements ----
const h = await launch({ mounts: { '/bench-dbt-docs': out } });
const docsServer = await startServer({ root: out, csp: false });
const docsBase = `http://127.0.0.1:${docsServer.address().port}`;
const id = results.metadata.invocation_id.replaceAll('-', '');
const env = results.args?.target ?? 'sagerx';

async function runlens() {
  const page = await h.page({ fixedClock: false });
  try {
    await page.goto(`${h.base}/environments/${env}/runs/${id}?dbt=/bench-dbt-docs&tab=explore`, { waitUntil: 'commit' });
    const ms = await (await page.waitForFunction(
      () => document.querySelector('[data-testid=graph] g.node') && performance.now(),
      null, { polling: 'raf', timeout: 120_000 })).jsonValue();
    const drawn = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now()))));
    if (page.errors.length) throw new Error(`runlens page errors: ${page.errors.join('; ')}`);
    if (shots) await page.screenshot({ path: path.join(shots, 'runlens.png') });
    // Where the time went: resources loaded (responseEnd) and the page's own decode timer.
    const parts = await page.evaluate(() => {
      const end = (re) => Math.max(0, ...performance.getEntriesByType('resource').filter((e) => re.test(e.name)).map((e) => e.responseEnd));
      return { wasm: end(/\.wasm$/), artifacts: end(/\/bench-dbt-docs\/.*\.json/), decode: window.__runlensDbtDecodeMs ?? NaN };
    });
    return { ms: Math.max(ms, drawn), parts };
  } finally {
    await page.context().close();
  }
}

async function dbtDocs() {
  const page = await h.page({ fixedClock: false });
  try {
    await page.goto(`${docsBase}/index.html#!/overview?g_v=1`, { waitUntil: 'commit' });
    // Cytoscape registers itself on its container (`_cyreg`). Drawn: every
    // node of the lineage is in the graph with a finite position, no layout
    // runs any more, and its node layer has painted something.
    const handle = await page.waitForFunction((want) => {
      const el = [...document.querySelectorAll('div')].find((d) => d._cyreg && d._cyreg.cy);
      if (!el) return false;
      const cy = el._cyreg.cy;
      const nodes = cy.nodes().filter((n) => !n.isParent() && n.visible());
      if (nodes.length < want) return false;
      if (window.__benchLayouts === undefined) {
        window.__benchLayouts = 0;
        cy.on('layoutstart', () => { window.__benchLayouts += 1; });
        cy.on('layoutstop', () => { window.__benchLayouts -= 1; });
      }
      if (window.__benchLayouts > 0) return false;
      const bb = nodes.boundingBox();
      if (!Number.isFinite(bb.w) || bb.w <= 1) return false;
      const canvases = el.querySelectorAll('canvas');
      for (const c of canvases) {
        if (!c.width || !c.height) continue;
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < data.length; i += 4 * 7) if (data[i] !== 0) return { ms: performance.now(), nodes: nodes.length, edges: cy.edges().filter((e) => e.visible()).length };
      }
      return false;
    }, graphNodes, { polling: 'raf', timeout: 300_000 });
    const res = await handle.jsonValue();
    if (shots) await page.screenshot({ path: path.join(shots, 'dbt-docs.png') });
    return res;
  } finally {
    await page.context().close();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
try {
  console.log(`\nrunlens vs dbt-docs, one dbt project: manifest ${mb('manifest.json')} MB (${models} models, ${graphNodes} lineage nodes with seeds and sources), catalog ${mb('catalog.json')} MB, run_results ${mb('run_results.json')} MB`);
  const ours = [];
  const parts = [];
  const theirs = [];
  let shown = null;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [dbtDocs, runlens] : [runlens, dbtDocs];
    for (const f of order) {
      const res = await f();
      if (f === runlens) { ours.push(res.ms); parts.push(res.parts); }
      else { theirs.push(res.ms); shown = res; }
    }
    console.log(`  round ${r + 1}: runlens ${ours[r].toFixed(0)} ms, dbt-docs ${theirs[r].toFixed(0)} ms`);
  }
  const a = median(ours);
  const b = median(theirs);
  console.log(`navigation -> full lineage graph drawn, median of ${rounds} (headless Chromium, cold cache each time):`);
  console.log(`  runlens (?dbt=, Explore):        ${a.toFixed(0)} ms`);
  const mp = (k) => median(parts.map((p) => p[k])).toFixed(0);
  console.log(`    of which: wasm loaded at ${mp('wasm')} ms, dbt artifacts loaded at ${mp('artifacts')} ms, decoding them ${mp('decode')} ms`);
  console.log(`  dbt-docs (index.html, g_v=1):    ${b.toFixed(0)} ms (cytoscape: ${shown.nodes} nodes, ${shown.edges} edges)`);
  console.log(`  dbt-docs / runlens:              ${(b / a).toFixed(1)}x`);
} finally {
  await h.close();
  docsServer.close();
  fs.rmSync(out, { recursive: true, force: true });
}
