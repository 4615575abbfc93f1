// Download size report: what a first visit loads (the wasm, the JS glue and
// the CSS that dist/index.html names), raw and gzip -9, against the budget
// kept in size-budget.json; and, with --top, the biggest functions of the
// wasm, by name, read from the name section of the unstripped build.
//
//   node tests/browser/size-report.mjs [--dist dist] [--budget size-budget.json]
//   node tests/browser/size-report.mjs --top 40 [--wasm target/wasm32-unknown-unknown/release/runlens.wasm] [--optimize]
//
// --budget exits 1 when the first load's gzip total is above the budget's
// `first_load_gzip_bytes` (scripts/test.sh runs it after `trunk build`).
// --top reads the cargo output (before wasm-bindgen and wasm-opt, so sizes
// are larger than in dist/, but it names every function); --optimize first
// runs binaryen's `wasm-opt -Oz -g` on it (about a minute) so the sizes are
// the shipped ones. Generic code is named after its definition
// (`tachys::…::build::{{closure}}` is a view of ours, instantiated there).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const pad = (s, n) => String(s).padStart(n);

/// The page a first visit opens: the environments list (the app's home).
export const HOME = 'environments-route-view';

/// The split points and their files (written by scripts/split-wasm.mjs), or
/// null for a build that is not split.
export function parts(dist) {
  const f = path.join(dist, 'runlens-parts.json');
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null;
}

/// The files a first visit to `page` loads: the stylesheet, scripts and wasm
/// named by index.html (Trunk hashes their names), then the parts of the
/// wasm that page needs (runlens-parts.json).
export function firstLoad(dist, page = HOME) {
  // Links the browser prefetches at idle priority are not part of it.
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8')
    .replace(/<link\b[^>]*\brel=["']?prefetch\b[^>]*>/g, '');
  const refs = new Set([...html.matchAll(/(?:href|src)=["']?\/?([^"'?# >]+\.(?:wasm|js|css))/g)].map((m) => m[1]));
  // Trunk's inline loader imports the JS by name and passes the wasm's URL.
  for (const m of html.matchAll(/['"]\/?([\w.-]+\.(?:wasm|js))['"]/g)) refs.add(m[1]);
  const files = [...refs].filter((f) => fs.existsSync(path.join(dist, f)) && !f.includes('layout-worker'));
  for (const kind of ['wasm', 'js', 'css']) {
    if (!files.some((x) => x.endsWith(`.${kind}`))) throw new Error(`dist/index.html names no .${kind} file`);
  }
  const split = parts(dist);
  if (split) {
    if (!split[page]) throw new Error(`runlens-parts.json has no part ${page}`);
    files.push(...split[page]);
  }
  const kindOf = (f) => f.split('.').pop();
  const order = { wasm: 0, js: 1, css: 2 };
  return files.sort((a, b) => order[kindOf(a)] - order[kindOf(b)]).map((file) => {
    const bytes = fs.readFileSync(path.join(dist, file));
    return { kind: kindOf(file), file, raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
  });
}

/// Function sizes from a wasm module with a name section: [{name, size}],
/// plus the data segments' total and the size of each section.
export function functionSizes(buf) {
  let p = 8;
  const uleb = () => {
    let r = 0;
    let s = 0;
    let b;
    do { b = buf[p++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80);
    return r;
  };
  const skipConstExpr = () => { while (buf[p] !== 0x0b) p++; p++; };
  const names = new Map();
  const bodies = [];
  const sections = [];
  let imported = 0;
  let data = 0;
  while (p < buf.length) {
    const id = buf[p++];
    const size = uleb();
    const end = p + size;
    let name = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'][id] ?? `#${id}`;
    if (id === 0) {
      const l = uleb();
      name = `custom:${buf.subarray(p, p + l).toString()}`;
      p += l;
      if (name === 'custom:name') {
        while (p < end) {
          const sub = buf[p++];
          const subEnd = uleb() + p;
          if (sub === 1) {
            for (let n = uleb(); n > 0; n--) {
              const idx = uleb();
              const l2 = uleb();
              names.set(idx, buf.subarray(p, p + l2).toString());
              p += l2;
            }
          }
          p = subEnd;
        }
      }
    } else if (id === 2) {
      for (let n = uleb(); n > 0; n--) {
        for (let part = 0; part < 2; part++) { const l = uleb(); p += l; } // module, field
        const kind = buf[p++];
        if (kind === 0) { uleb(); imported++; } else if (kind === 1) { p++; if (uleb() & 1) uleb(); uleb(); } else if (kind === 2) { if (uleb() & 1) uleb(); uleb(); } else if (kind === 3) { p += 2; } else if (kind === 4) { p++; uleb(); }
      }
    } else if (id === 10) {
      for (let n = uleb(); n > 0; n--) { const l = uleb(); bodies.push(l); p += l; }
    } else if (id === 11) {
      for (let n = uleb(); n > 0; n--) {
        const flags = uleb();
        if (flags === 2) uleb();
        if (flags !== 1) skipConstExpr();
        const l = uleb();
        data += l;
        p += l;
      }
    }
    sections.push({ name, size });
    p = end;
  }
  const fns = bodies.map((size, i) => ({ name: demangle(names.get(i + imported) ?? `func[${i + imported}]`), size }));
  return { fns, data, sections };
}

/// Rust's legacy symbol mangling (`_ZN7runlens4core…17h<hash>E`) undone,
/// as wasm-bindgen does for the names it keeps; other names as they are.
export function demangle(sym) {
  if (!sym.startsWith('_ZN') || !sym.endsWith('E')) return sym;
  const parts = [];
  let i = 3;
  while (i < sym.length - 1) {
    const m = /^\d+/.exec(sym.slice(i));
    if (!m) return sym;
    i += m[0].length;
    parts.push(sym.slice(i, i + Number(m[0])));
    i += Number(m[0]);
  }
  if (/^h[0-9a-f]{16}$/.test(parts.at(-1))) parts.pop();
  const esc = { SP: '@', BP: '*', RF: '&', LT: '<', GT: '>', LP: '(', RP: ')', C: ',' };
  return parts.map((p) => p.replace(/^_\$/, '$').replace(/\$([A-Z]{1,2}|u[0-9a-f]+)\$/g, (all, c) => (c[0] === 'u' && c.length > 1 ? String.fromCodePoint(parseInt(c.slice(1), 16)) : esc[c] ?? all))
    .replace(/\.\./g, '::')).join('::');
}

/// A function's crate (or, for the app's own code, its module), from its
/// demangled name; trait impls are attributed to the implementing type's path.
export function owner(name) {
  let n = name.replace(/\[[0-9a-f]+\]/g, '');
  // `<T as tachys::view::Render>::build`: generic code of the trait's crate.
  const generic = n.match(/^<(?:[A-Z]\w*|\[[^\]]*\]|str|f64|f32|[iu]\d+|usize|isize|bool|char) as ([a-z_]\w*)::/);
  if (generic) n = `${generic[1]}::`;
  const m = n.match(/^<?(?:&(?:mut )?|dyn |\*const |\*mut )?([A-Za-z_][\w]*)(?:::([a-z_][\w]*))?(?:::([a-z_][\w]*))?/);
  if (!m) return '?';
  if (m[1] === 'runlens' && m[2]) return m[3] && !/^[A-Z]/.test(m[3]) ? `runlens::${m[2]}::${m[3]}` : `runlens::${m[2]}`;
  return m[1];
}

function report() {
  const dist = path.resolve(ROOT, opt('--dist') ?? 'dist');
  const rows = firstLoad(dist);
  const total = rows.reduce((a, r) => a + r.gzip, 0);
  console.log(`first load (${path.relative(ROOT, dist) || '.'}/, the ${HOME.replace(/-route-view$/, '')} page): raw and gzip -9`);
  for (const r of rows) console.log(`  ${r.kind.padEnd(5)} ${pad(kb(r.raw), 11)} ${pad(kb(r.gzip), 10)}  ${r.file}`);
  console.log(`  total ${pad(kb(rows.reduce((a, r) => a + r.raw, 0)), 11)} ${pad(kb(total), 10)}  (${total} bytes gzip)`);
  const split = parts(dist);
  if (split) {
    console.log('a first visit to each page, or a part fetched later (gzip -9; the shell is counted in each):');
    for (const page of Object.keys(split).sort()) {
      const t = firstLoad(dist, page).reduce((a, r) => a + r.gzip, 0);
      console.log(`  ${pad(kb(t), 10)}  ${page}`);
    }
  }
  const budgetFile = opt('--budget');
  let over = false;
  if (budgetFile) {
    const budget = JSON.parse(fs.readFileSync(path.resolve(ROOT, budgetFile), 'utf8')).first_load_gzip_bytes;
    if (!Number.isInteger(budget)) throw new Error(`${budgetFile}: first_load_gzip_bytes must be an integer`);
    over = total > budget;
    console.log(`  budget ${kb(budget)} (${budget} bytes, ${budgetFile}): ${over ? `OVER by ${total - budget} bytes` : `${budget - total} bytes to spare`}`);
  }

  if (args.includes('--top')) {
    const top = Number(opt('--top')) || 40;
    const target = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');
    let wasm = path.resolve(ROOT, opt('--wasm') ?? path.join(target, 'wasm32-unknown-unknown/release/runlens.wasm'));
    if (args.includes('--optimize')) {
      const named = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-size-')), 'named.wasm');
      execFileSync('wasm-opt', ['-Oz', '-g', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
        '--enable-mutable-globals', '--enable-multivalue', '--enable-reference-types', wasm, '-o', named], { stdio: 'inherit' });
      wasm = named;
    }
    const { fns, data, sections } = functionSizes(fs.readFileSync(wasm));
    const code = fns.reduce((a, f) => a + f.size, 0);
    console.log(`\n${path.relative(ROOT, wasm)}: ${fns.length} functions, code ${kb(code)}, data ${kb(data)}`);
    console.log(`  sections: ${sections.filter((s) => s.size > 1024).map((s) => `${s.name} ${kb(s.size)}`).join(', ')}`);
    const groups = new Map();
    for (const f of fns) {
      const k = owner(f.name);
      const g = groups.get(k) ?? { size: 0, count: 0 };
      g.size += f.size;
      g.count += 1;
      groups.set(k, g);
    }
    console.log(`\ntop ${Math.min(top, groups.size)} owners (crate, or module of runlens) by code size:`);
    for (const [k, g] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, top)) {
      console.log(`  ${pad(kb(g.size), 10)} ${pad((100 * g.size / code).toFixed(1), 5)} % ${pad(g.count, 5)} fns  ${k}`);
    }
    console.log(`\ntop ${top} functions by code size:`);
    for (const f of [...fns].sort((a, b) => b.size - a.size).slice(0, top)) {
      console.log(`  ${pad(kb(f.size), 10)}  ${f.name.replace(/\[[0-9a-f]+\]/g, '').slice(0, 150)}`);
    }
  }
  if (over) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) report();
