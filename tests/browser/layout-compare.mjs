// Lineage layout comparison: runlens's layout (the `runlens-layout` release
// binary) against ELK layered (elkjs) and dagre (@dagrejs/dagre) on the same
// graphs with the same node sizes, edge crossings counted by ONE counter for
// every engine (proper intersections of the drawn edge polylines, see
// `crossings` below), times measured around the layout call only (inside the
// binary for runlens, around `elk.layout` / `dagre.layout` for the others).
// Both sides are measured in the same run; each ratio is printed.
//
//   cargo build --release --locked --bin runlens-layout
//   node tests/browser/layout-compare.mjs                     # sagerx + generated 100, 1000, 5000
//   node tests/browser/layout-compare.mjs --sizes 100,20000 --no-sagerx
//   node tests/browser/layout-compare.mjs --cap 120 --peer-max 5000
//
// Options: --sizes N,N (generated DAGs, `runlens-layout --write-graph`),
// --no-sagerx, --cap S (seconds one ELK or dagre layout may take before it is
// stopped and reported as "> S s"; default 120), --dagre-cap S (the same
// for dagre alone; default the --cap), --peer-max N (ELK and dagre
// are skipped, with a note, on graphs of more nodes; default 5000),
// --bin PATH (default $CARGO_TARGET_DIR or target, release/runlens-layout).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

// ---------------------------------------------------------------- crossings

/** Segments of every edge polyline: [x1, y1, x2, y2, edge]. */
function segments(polylines) {
  const segs = [];
  polylines.forEach((pts, e) => {
    for (let i = 0; i + 1 < pts.length; i++) {
      const a = pts[i];
      const b = pts[i + 1];
      if (a.x === b.x && a.y === b.y) continue;
      segs.push([a.x, a.y, b.x, b.y, e]);
    }
  });
  return segs;
}

const orient = (ax, ay, bx, by, cx, cy) => {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
};

/** True when the two segments cross at one point inside both (touching,
 *  sharing an end or overlapping collinearly is not a crossing). */
export function properCross(s, t) {
  const o1 = orient(s[0], s[1], s[2], s[3], t[0], t[1]);
  const o2 = orient(s[0], s[1], s[2], s[3], t[2], t[3]);
  const o3 = orient(t[0], t[1], t[2], t[3], s[0], s[1]);
  const o4 = orient(t[0], t[1], t[2], t[3], s[2], s[3]);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

/** Crossings between the polylines of different edges: every proper
 *  intersection of a segment of one edge with a segment of another.
 *  Pairs are only tested when their x ranges share a bucket (each pair in
 *  the first bucket they share) and their y ranges overlap. */
export function crossings(polylines) {
  const segs = segments(polylines);
  if (segs.length < 2) return 0;
  let minX = Infinity;
  let maxX = -Infinity;
  for (const s of segs) {
    minX = Math.min(minX, s[0], s[2]);
    maxX = Math.max(maxX, s[0], s[2]);
  }
  const buckets = Math.max(1, Math.min(8192, Math.ceil(segs.length / 16)));
  const width = (maxX - minX) / buckets || 1;
  const bucketOf = (x) => Math.min(buckets - 1, Math.max(0, Math.floor((x - minX) / width)));
  const lists = Array.from({ length: buckets }, () => []);
  const info = segs.map((s, i) => {
    const lo = bucketOf(Math.min(s[0], s[2]));
    const hi = bucketOf(Math.max(s[0], s[2]));
    for (let b = lo; b <= hi; b++) lists[b].push(i);
    return { first: lo, ymin: Math.min(s[1], s[3]), ymax: Math.max(s[1], s[3]) };
  });
  let total = 0;
  lists.forEach((list, b) => {
    list.sort((i, j) => info[i].ymin - info[j].ymin);
    for (let a = 0; a < list.length; a++) {
      const i = list[a];
      const si = segs[i];
      const ii = info[i];
      for (let c = a + 1; c < list.length; c++) {
        const j = list[c];
        const ij = info[j];
        if (ij.ymin > ii.ymax) break;
        if (Math.max(ii.first, ij.first) !== b) continue;
        const sj = segs[j];
        if (si[4] === sj[4]) continue;
        if (properCross(si, sj)) total++;
      }
    }
  });
  return total;
}

// ------------------------------------------------------------------- graphs

/** The sagerx dbt project: models, seeds, snapshots and sources as nodes
 *  (labelled by name, sources as source_name.name), depends_on as edges. */
function sagerx() {
  const file = path.resolve(ROOT, '../shared/dbt/sagerx-manifest-v12.json');
  if (!fs.existsSync(file)) return null;
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  const label = new Map();
  for (const [uid, n] of Object.entries(m.nodes || {})) {
    if (['model', 'seed', 'snapshot'].includes(n.resource_type)) label.set(uid, n.name);
  }
  for (const [uid, s] of Object.entries(m.sources || {})) label.set(uid, `${s.source_name}.${s.name}`);
  const seen = new Set();
  const edges = [];
  for (const [uid, n] of Object.entries(m.nodes || {})) {
    if (!label.has(uid)) continue;
    for (const d of n.depends_on?.nodes || []) {
      if (!label.has(d) || d === uid || seen.has(`${d}\n${uid}`)) continue;
      seen.add(`${d}\n${uid}`);
      edges.push([label.get(d), label.get(uid)]);
    }
  }
  const nodes = [...label.values()];
  if (new Set(nodes).size !== nodes.length) throw new Error('sagerx labels are not unique');
  return { nodes, edges };
}

// ------------------------------------------------------------------ engines

function runlens(bin, graphFile, outFile) {
  execFileSync(bin, ['--graph', graphFile, '--out', outFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  const l = JSON.parse(fs.readFileSync(outFile, 'utf8'));
  return {
    ms: l.ms,
    sizes: new Map(l.nodes.map((n) => [n.id, { width: n.width, height: n.height }])),
    polylines: l.edges.map((e) => e.points),
  };
}

// One peer layout in a worker thread, so that a run past the cap can be stopped.
const PEER_WORKER = `
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
const require = createRequire(workerData.base);
const { engine, nodes, edges, sizes, repeat } = workerData;
let polylines;
const times = [];
if (engine === 'elk') {
  const ELK = require('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  for (let r = 0; r < repeat; r++) {
    const graph = {
      id: 'root',
      layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT' },
      children: nodes.map((id, i) => ({ id, width: sizes[i].width, height: sizes[i].height })),
      edges: edges.map(([a, b], i) => ({ id: 'e' + i, sources: [a], targets: [b] })),
    };
    const t = performance.now();
    const out = await elk.layout(graph);
    times.push(performance.now() - t);
    polylines = out.edges.map((e) => (e.sections || []).flatMap((s) => [s.startPoint, ...(s.bendPoints || []), s.endPoint]));
  }
} else {
  const dagre = require('@dagrejs/dagre');
  for (let r = 0; r < repeat; r++) {
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: 'LR' });
    g.setDefaultEdgeLabel(() => ({}));
    nodes.forEach((id, i) => g.setNode(id, { width: sizes[i].width, height: sizes[i].height }));
    for (const [a, b] of edges) g.setEdge(a, b);
    const t = performance.now();
    dagre.layout(g);
    times.push(performance.now() - t);
    polylines = edges.map(([a, b]) => g.edge(a, b).points);
  }
}
times.sort((a, b) => a - b);
parentPort.postMessage({ ms: times[Math.floor(times.length / 2)], polylines });
`;

function peer(engine, graph, sizes, capS, repeat) {
  return new Promise((resolve) => {
    const w = new Worker(PEER_WORKER, {
      eval: true,
      workerData: { engine, ...graph, sizes: graph.nodes.map((id) => sizes.get(id)), repeat, base: path.join(HERE, 'package.json') },
      type: 'module',
    });
    const timer = setTimeout(() => {
      w.terminate();
      resolve({ capped: true });
    }, capS * 1000);
    w.on('message', (m) => {
      clearTimeout(timer);
      w.terminate();
      resolve(m);
    });
    w.on('error', (e) => {
      clearTimeout(timer);
      resolve({ error: String(e) });
    });
  });
}

// --------------------------------------------------------------------- main

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const sizes = opt('--sizes', '100,1000,5000').split(',').map(Number).filter((n) => n > 0);
const capS = Number(opt('--cap', '120'));
const capOf = { elk: capS, dagre: Number(opt('--dagre-cap', String(capS))) };
const peerMax = Number(opt('--peer-max', '5000'));
const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const bin = opt('--bin', path.join(target, 'release', 'runlens-layout'));
if (!fs.existsSync(bin)) {
  console.error(`${bin} is missing: cargo build --release --locked --bin runlens-layout`);
  process.exit(1);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-layout-'));

const graphs = [];
if (!args.includes('--no-sagerx')) {
  const g = sagerx();
  if (g) graphs.push({ name: 'sagerx', ...g });
  else console.log('sagerx manifest (../shared/dbt) not found: skipped');
}
for (const n of sizes) {
  const file = path.join(tmp, `generated-${n}.json`);
  execFileSync(bin, ['--write-graph', String(n), file], { stdio: 'ignore' });
  graphs.push({ name: `generated-${n}`, ...JSON.parse(fs.readFileSync(file, 'utf8')) });
}

const fmt = (x) => (x === undefined ? '-' : Math.round(x).toLocaleString('en-US'));
const ms = (x) => (x === undefined ? '-' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
const rows = [];
const notes = [];
console.log(`cap ${capOf.elk} s per ELK layout, ${capOf.dagre} s per dagre layout; peers skipped above ${peerMax} nodes; runlens: ${bin}`);
for (const g of graphs) {
  const file = path.join(tmp, `${g.name}.in.json`);
  fs.writeFileSync(file, JSON.stringify({ nodes: g.nodes, edges: g.edges }));
  const r = runlens(bin, file, path.join(tmp, `${g.name}.out.json`));
  const row = { name: g.name, nodes: g.nodes.length, edges: g.edges.length, runlens: { ms: r.ms, cross: crossings(r.polylines) } };
  for (const engine of ['elk', 'dagre']) {
    if (g.nodes.length > peerMax) {
      notes.push(`${g.name}: ${engine} skipped (more than ${peerMax} nodes)`);
      continue;
    }
    const repeat = g.nodes.length <= 200 ? 5 : 1; // small graphs: median of 5 (JIT warm)
    const p = await peer(engine, g, r.sizes, capOf[engine], repeat);
    if (p.capped) {
      notes.push(`${g.name}: ${engine} stopped after the ${capOf[engine]} s cap`);
      row[engine] = { capped: capOf[engine] };
    } else if (p.error) {
      notes.push(`${g.name}: ${engine} failed: ${p.error}`);
    } else {
      row[engine] = { ms: p.ms, cross: crossings(p.polylines) };
    }
  }
  rows.push(row);
  const e = (k) => row[k] ? (row[k].capped ? `> ${row[k].capped} s` : `${fmt(row[k].cross)} in ${ms(row[k].ms)} ms`) : 'skipped';
  console.log(`${g.name}: runlens ${e('runlens')}, ELK ${e('elk')}, dagre ${e('dagre')}`);
}

const ratio = (a, b) => (a && b && b.cross !== undefined && a.cross !== undefined ? (a.cross === 0 ? (b.cross === 0 ? '1.00' : '0') : (b.cross / a.cross).toFixed(2)) : '-');
const speed = (a, b) => (a && b && b.ms !== undefined && a.ms > 0 ? `${Math.round(b.ms / a.ms).toLocaleString('en-US')}x` : b?.capped ? `> ${Math.round((b.capped * 1000) / a.ms).toLocaleString('en-US')}x` : '-');
console.log();
console.log('| graph | nodes / edges | runlens crossings | ELK crossings | dagre crossings | runlens ms | ELK ms | dagre ms | ELK/runlens crossings | dagre/runlens crossings | ELK/runlens time | dagre/runlens time |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const c = (k) => (r[k] ? (r[k].capped ? `(> ${r[k].capped} s)` : fmt(r[k].cross)) : 'skipped');
  const t = (k) => (r[k] ? (r[k].capped ? `> ${fmt(r[k].capped * 1000)}` : ms(r[k].ms)) : 'skipped');
  console.log(`| ${r.name} | ${fmt(r.nodes)} / ${fmt(r.edges)} | ${c('runlens')} | ${c('elk')} | ${c('dagre')} | ${t('runlens')} | ${t('elk')} | ${t('dagre')} | ${ratio(r.runlens, r.elk)} | ${ratio(r.runlens, r.dagre)} | ${speed(r.runlens, r.elk)} | ${speed(r.runlens, r.dagre)} |`);
}
for (const n of notes) console.log(`note: ${n}`);
fs.rmSync(tmp, { recursive: true, force: true });
