// Benchmark: reading dbt artifacts in the browser. Builds a ~5 MB manifest by
// repeating the real sagerx project (../shared/dbt) under new names, serves
// it, opens the app with ?dbt= and prints the decode time measured inside the
// page (window.__runlensDbtDecodeMs) and the time to a drawn run page.
//
//   node tests/browser/bench-dbt.mjs [--copies 4]
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT } from './harness.mjs';

const args = process.argv.slice(2);
const copies = Number(args[args.indexOf('--copies') + 1]) || 5;
const shared = path.join(ROOT, '../shared/dbt');
const manifest = JSON.parse(fs.readFileSync(path.join(shared, 'sagerx-manifest-v12.json'), 'utf8'));
const results = JSON.parse(fs.readFileSync(path.join(shared, 'sagerx-run_results-v6.json'), 'utf8'));
const rename = (s, k) => s.replace(/^(model|test|seed|snapshot|source)\.sagerx\./, `$1.sagerx${k}.`);
const big = { ...manifest, nodes: {}, sources: {} };
const bigResults = { ...results, results: [] };
for (let k = 0; k < copies; k++) {
  for (const [uid, n] of Object.entries(manifest.nodes)) {
    big.nodes[rename(uid, k)] = { ...n, name: `${n.name}_${k}`, depends_on: { ...n.depends_on, nodes: (n.depends_on?.nodes || []).map((d) => rename(d, k)) },
      attached_node: n.attached_node ? rename(n.attached_node, k) : n.attached_node };
  }
  for (const [uid, s] of Object.entries(manifest.sources)) big.sources[rename(uid, k)] = { ...s, source_name: `${s.source_name}_${k}` };
  for (const r of results.results) bigResults.results.push({ ...r, unique_id: rename(r.unique_id, k) });
}
const out = path.join(ROOT, 'target', 'bench-dbt');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(big));
fs.writeFileSync(path.join(out, 'run_results.json'), JSON.stringify(bigResults));
const mb = (fs.statSync(path.join(out, 'manifest.json')).size / 1e6).toFixed(1);
const rmb = (fs.statSync(path.join(out, 'run_results.json')).size / 1e6).toFixed(1);

const h = await launch({ mounts: { '/bench-dbt': out } });
try {
  const page = await h.page({ fixedClock: false });
  const id = results.metadata.invocation_id.replaceAll('-', '');
  const t0 = Date.now();
  await page.goto(`${h.base}/environments/sagerx/runs/${id}?dbt=/bench-dbt`);
  await page.waitForSelector('[data-testid=executions-table] tbody tr[data-model]');
  const ready = Date.now() - t0;
  const decode = await page.evaluate(() => window.__runlensDbtDecodeMs);
  const count = await page.textContent('[data-testid=shown-count]');
  const t1 = Date.now();
  await page.click('[data-tab=explore]');
  await page.waitForSelector('[data-testid=graph] g.node');
  const explore = Date.now() - t1;
  console.log(`\ndbt artifacts in the browser: manifest ${mb} MB (${Object.keys(big.nodes).length} nodes, ${Object.keys(big.sources).length} sources), run_results ${rmb} MB`);
  console.log(`  decode and map to a run (inside the page, release build): ${decode.toFixed(0)} ms`);
  console.log(`  navigation to a drawn run page: ${ready} ms (${count})`);
  console.log(`  switch to Explore Executions (layout + draw): ${explore} ms`);
} finally {
  await h.close();
  fs.rmSync(out, { recursive: true, force: true });
}
