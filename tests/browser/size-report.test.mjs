// The size report reads what it claims: function sizes and names from a
// wasm name section, the first load's files from index.html, and fails the
// build above the budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { functionSizes, demangle, owner, firstLoad } from './size-report.mjs';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'size-report.mjs');
const leb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
const str = (s) => [...leb(Buffer.byteLength(s)), ...Buffer.from(s)];
const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];

// One imported function, two defined ones (bodies of 2 and 4 bytes), a data
// segment of 3 bytes, names for both defined functions.
function tinyWasm() {
  const decodeRun = '_ZN7runlens4core6decode10decode_run17hab6f6de349b446bfE';
  const names = [1, ...leb(2), ...leb(1), ...str(decodeRun), ...leb(2), ...str('small')];
  return Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 0]),
    ...section(2, [1, ...str('m'), ...str('f'), 0, 0]),
    ...section(3, [2, 0, 0]),
    ...section(10, [2, 2, 0, 0x0b, 4, 0, 0x01, 0x01, 0x0b]),
    ...section(11, [1, 0, 0x41, 0, 0x0b, 3, 0x61, 0x62, 0x63]),
    ...section(0, [...str('name'), ...names.slice(0, 1), ...leb(names.length - 1), ...names.slice(1)]),
  ]);
}

test('function sizes and names come from the code and name sections', () => {
  const { fns, data, sections } = functionSizes(tinyWasm());
  assert.deepEqual(fns, [{ name: 'runlens::core::decode::decode_run', size: 2 }, { name: 'small', size: 4 }]);
  assert.equal(data, 3);
  assert.deepEqual(sections.map((s) => s.name), ['type', 'import', 'function', 'code', 'data', 'custom:name']);
});

test('Rust names are demangled and attributed to their crate or module', () => {
  assert.equal(demangle('_ZN98_$LT$chrono..format..strftime..StrftimeItems$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4next17h48f3ae3bdc61c9e2E'),
    '<chrono::format::strftime::StrftimeItems as core::iter::traits::iterator::Iterator>::next');
  assert.equal(demangle('already plain'), 'already plain');
  assert.equal(owner('runlens::core::wire::de::or_default'), 'runlens::core::wire');
  assert.equal(owner('runlens::app::api::Api::run::{{closure}}'), 'runlens::app::api');
  assert.equal(owner('<T as tachys::view::any_view::IntoAny>::into_any::build'), 'tachys');
  assert.equal(owner('<serde_path_to_error::de::Deserializer<D> as serde_core::de::Deserializer>::deserialize_map'), 'serde_path_to_error');
});

function fakeDist() {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-dist-'));
  fs.writeFileSync(path.join(dist, 'index.html'), `<!doctype html><script type="module">
import init, * as bindings from '/app-1.js';
const wasm = await init({ module_or_path: '/app-1_bg.wasm' });
</script><link rel="stylesheet" href="/main-2.css"/><link rel="modulepreload" href="/app-1.js">`);
  fs.writeFileSync(path.join(dist, 'app-1_bg.wasm'), tinyWasm());
  fs.writeFileSync(path.join(dist, 'app-1.js'), 'export default 1;\n'.repeat(50));
  fs.writeFileSync(path.join(dist, 'main-2.css'), 'body { margin: 0 }\n');
  fs.writeFileSync(path.join(dist, 'unrelated.js'), 'never loaded');
  return dist;
}

test('the first load is the wasm, JS and CSS that index.html names, gzip -9', () => {
  const dist = fakeDist();
  const rows = firstLoad(dist);
  assert.deepEqual(rows.map((r) => [r.kind, r.file]), [['wasm', 'app-1_bg.wasm'], ['js', 'app-1.js'], ['css', 'main-2.css']]);
  const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length;
  assert.deepEqual(rows.map((r) => r.gzip), [gz('app-1_bg.wasm'), gz('app-1.js'), gz('main-2.css')]);
  assert.equal(rows[1].raw, 900);
});

test('the report fails above the budget and passes within it', () => {
  const dist = fakeDist();
  const total = firstLoad(dist).reduce((a, r) => a + r.gzip, 0);
  const run = (budget) => {
    const file = path.join(dist, 'budget.json');
    fs.writeFileSync(file, JSON.stringify({ first_load_gzip_bytes: budget }));
    return spawnSync(process.execPath, [SCRIPT, '--dist', dist, '--budget', file], { encoding: 'utf8' });
  };
  const within = run(total);
  assert.equal(within.status, 0, within.stderr);
  assert.match(within.stdout, new RegExp(`\\(${total} bytes gzip\\)`));
  assert.match(within.stdout, /0 bytes to spare/);
  const over = run(total - 1);
  assert.equal(over.status, 1);
  assert.match(over.stdout, /OVER by 1 bytes/);
});

test('a split build: the page\'s parts are counted, prefetched ones are not', () => {
  const dist = fakeDist();
  fs.writeFileSync(path.join(dist, 'home-part.wasm'), tinyWasm());
  fs.writeFileSync(path.join(dist, 'shared-part.wasm'), Buffer.alloc(300, 7));
  fs.writeFileSync(path.join(dist, 'run-part.wasm'), Buffer.alloc(500, 9));
  fs.writeFileSync(path.join(dist, 'loader-3.js'), 'export const x = 1;\n');
  fs.writeFileSync(path.join(dist, 'runlens-parts.json'), JSON.stringify({
    'environments-route-view': ['home-part.wasm', 'shared-part.wasm'],
    'run-route-view': ['run-part.wasm', 'shared-part.wasm'],
  }));
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  fs.writeFileSync(path.join(dist, 'index.html'), html.replace('</script>',
    '</script><link rel=modulepreload href=/loader-3.js><link rel="prefetch" href="/run-part.wasm" crossorigin="anonymous">'));
  assert.deepEqual(firstLoad(dist).map((r) => r.file),
    ['app-1_bg.wasm', 'home-part.wasm', 'shared-part.wasm', 'loader-3.js', 'app-1.js', 'main-2.css']);
  assert.deepEqual(firstLoad(dist, 'run-route-view').map((r) => r.file),
    ['app-1_bg.wasm', 'run-part.wasm', 'shared-part.wasm', 'loader-3.js', 'app-1.js', 'main-2.css']);
  assert.throws(() => firstLoad(dist, 'no-such-page'), /has no part no-such-page/);
});
