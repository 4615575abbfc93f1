// Trunk's post-build hook (Trunk.toml): splits the app's WebAssembly into a
// main part and parts fetched when first needed, so that a first visit
// downloads the shell and its first page, not every page.
//
// The split points are the `#[lazy]` functions and `#[lazy_route]` pages of
// src/app (one part each, plus parts for code several of them share). Trunk
// 0.21 cannot split, so this hook does it after Trunk's build, with the
// tools cargo-leptos uses:
//   1. wasm-split-cli (crate wasm_split_cli_support) splits cargo's output
//      (the file cargo names for `--bin runlens`), linked with --emit-relocs
//      (build.rs), into the main module, the parts and the JS that loads them;
//   2. wasm-bindgen makes the main module's JS glue again (it keeps the
//      linker's exports the parts import);
//   3. wasm-opt -Oz makes each module small (a release build);
//   4. the files replace Trunk's; every file's name gets a hash of what it
//      holds (a cache never mixes two builds), the JS is minified (terser;
//      a release build), and index.html's names and integrity hashes are
//      updated.
// Environment: Trunk's TRUNK_STAGING_DIR, TRUNK_PROFILE and TRUNK_PUBLIC_URL;
// RUNLENS_WASM_OPT=0 keeps the modules unoptimised and their names (profiling
// builds). Tools: wasm-split-cli and wasm-bindgen from PATH (the version of
// Cargo.lock), binaryen 132's wasm-opt and terser from tests/browser.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import os from 'node:os';
import { execFileSync, execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const staging = process.env.TRUNK_STAGING_DIR;
const profile = process.env.TRUNK_PROFILE || 'release';
if (!staging) throw new Error('split-wasm: TRUNK_STAGING_DIR is not set (run by `trunk build`)');
const optimize = profile === 'release' && process.env.RUNLENS_WASM_OPT !== '0';
const TOOLS = path.join(ROOT, 'tests/browser/node_modules');
const WASM_OPT = path.join(TOOLS, '.bin/wasm-opt');

/// The wasm cargo built for `--bin runlens` (Trunk's build, already done: a
/// no-op asked again for the file's name, wherever the target directory is).
function cargoOutput() {
  const out = execFileSync('cargo', ['build', '--locked', '--target', 'wasm32-unknown-unknown', '--bin', 'runlens',
    ...(profile === 'release' ? ['--release'] : []), '--message-format=json'],
  { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 << 20 });
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line);
    if (m.reason === 'compiler-artifact' && m.target?.name === 'runlens' && m.target.kind.includes('bin')) {
      const wasm = m.filenames.find((f) => f.endsWith('.wasm'));
      if (wasm) return wasm;
    }
  }
  throw new Error('split-wasm: cargo named no wasm for --bin runlens');
}

function checkTools() {
  const lock = fs.readFileSync(path.join(ROOT, 'Cargo.lock'), 'utf8');
  const want = /name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)?.[1];
  const have = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).trim();
  if (!want || !have.endsWith(` ${want}`)) throw new Error(`split-wasm: wasm-bindgen is "${have}", Cargo.lock wants ${want} (source scripts/setup.sh)`);
  if (optimize) {
    const opt = execFileSync(WASM_OPT, ['--version'], { encoding: 'utf8' });
    if (!/version 132\b/.test(opt)) throw new Error(`split-wasm: ${WASM_OPT} is "${opt.trim()}", not binaryen 132 (source scripts/setup.sh)`);
  }
}

// The message of a part that failed to download (the loader's failure
// branch calls it). Text only, built with the DOM; styled by style/main.css.
const PART_FAILED = `function runlensPartFailed() {
  if (document.getElementById('part-failed')) return;
  const box = document.createElement('div');
  box.id = 'part-failed';
  box.className = 'part-failed';
  box.setAttribute('role', 'alert');
  const text = document.createElement('span');
  text.textContent = 'A part of runlens could not be downloaded: the network failed, or a new version was deployed since this page was opened.';
  const again = document.createElement('button');
  again.className = 'btn';
  again.textContent = 'Reload';
  again.addEventListener('click', () => location.reload());
  box.append(text, again);
  document.body.append(box);
}`;

/// "split___run_route_view_8084451098260693283.wasm" -> "run-route-view",
/// "chunk_4.wasm" -> "chunk-4".
const partName = (file) => file.slice(0, -5).replace(/^split_+/, '').replace(/_\d{6,}$/, '').replace(/_/g, '-');
const say = (s) => console.log(`[split-wasm] ${s}`);
const hash = (bytes, n = 16) => crypto.createHash('sha256').update(bytes).digest('hex').slice(0, n);
const sri = (bytes) => `sha384-${crypto.createHash('sha384').update(bytes).digest('base64')}`;

// Trunk's output for the app: runlens-<hash>.js and runlens-<hash>_bg.wasm.
const mainJs = fs.readdirSync(staging).find((f) => /^runlens-[0-9a-f]+\.js$/.test(f));
if (!mainJs) throw new Error(`split-wasm: no runlens-<hash>.js in ${staging}`);
const stem = mainJs.slice(0, -3);
const mainWasm = `${stem}_bg.wasm`;

checkTools();
const built = cargoOutput();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-split-'));
try {
  execFileSync('wasm-split-cli', [built, work, '--out-name', stem], { stdio: ['ignore', 'ignore', 'inherit'] });
  const bindgen = path.join(work, 'bindgen');
  const keepNames = optimize ? [] : ['--keep-debug', '--no-demangle'];
  execFileSync('wasm-bindgen', [
    '--target=web', '--no-typescript', '--keep-lld-exports', ...keepNames,
    `--out-dir=${bindgen}`, `--out-name=${stem}`, path.join(work, `${stem}.wasm`),
  ], { stdio: 'inherit' });

  // The parts: every .wasm the splitter wrote besides the main module.
  const parts = fs.readdirSync(work).filter((f) => f.endsWith('.wasm') && f !== `${stem}.wasm`);
  const modules = [path.join(bindgen, mainWasm), ...parts.map((p) => path.join(work, p))];
  if (optimize) {
    // Two at a time (the machines have two cores); the biggest first.
    const queue = [...modules].sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
    const features = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals'];
    const run = async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        await new Promise((ok, fail) => execFile(WASM_OPT, ['-Oz', ...features, f, '-o', f], (e) => (e ? fail(e) : ok())));
      }
    };
    await Promise.all([run(), run()]);
  }

  // Parts get content-hashed names; the loader JS names them.
  let loader = fs.readFileSync(path.join(work, '__wasm_split.js'), 'utf8');
  for (const p of parts) {
    const bytes = fs.readFileSync(path.join(work, p));
    const name = `runlens-${partName(p)}-${hash(bytes)}.wasm`;
    if (!loader.includes(`"./${p}"`)) throw new Error(`split-wasm: the loader does not name ${p}`);
    loader = loader.replaceAll(`"./${p}"`, `"./${name}"`);
    fs.writeFileSync(path.join(staging, name), bytes);
  }
  // runlens-parts.json: each split point's files (its own, then the parts it
  // shares), read from the loader; size-report.mjs sums a page's first visit
  // with it, and a browser test checks a visit fetches just these.
  const consts = new Map([...loader.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)]
    .map((m) => [m[1], m[2]]));
  const manifest = {};
  // A split point's loader: its own module (or none, when all of its code is
  // shared: `async (_imp) => ({})`), then the shared parts it needs.
  const points = [...loader.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(([\s\S]*?)\n?, \[([^\]]*)\]\)\);/g)];
  const declared = loader.match(/export const __wasm_split_load_/g)?.length ?? 0;
  if (points.length !== declared) throw new Error(`split-wasm: read ${points.length} of the loader's ${declared} split points`);
  for (const [, name, body, depList] of points) {
    const own = /new URL\("\.\/([^"]+)"/.exec(body)?.[1];
    const deps = depList.split(',').map((d) => d.trim()).filter(Boolean).map((d) => consts.get(d));
    if (deps.some((d) => !d)) throw new Error(`split-wasm: a part of ${name} has no file`);
    const key = partName(`split_${name}.wasm`);
    if (manifest[key]) throw new Error(`split-wasm: two split points are named ${key}`);
    manifest[key] = own ? [own, ...deps] : deps;
  }
  if (points.length === 0) throw new Error('split-wasm: no split point found in the loader');
  fs.writeFileSync(path.join(staging, 'runlens-parts.json'), `${JSON.stringify(manifest, null, 1)}\n`);

  // A part that cannot be downloaded (offline, or a new version deployed
  // since this page loaded) stops the app: say so, with a way out.
  const report = 'console.error(e);';
  if (!loader.includes(report)) throw new Error('split-wasm: the loader has no failure branch to report from');
  loader = `${PART_FAILED}\n${loader.replace(report, `${report} runlensPartFailed();`)}`;

  const { minify } = optimize ? await import(path.join(TOOLS, 'terser/main.js')) : {};
  const small = async (code) => (optimize ? (await minify(code, { module: true })).code : code);

  // The main files are named by what they hold, with the parts' names in it
  // (Trunk's name is the hash of cargo's output, which this hook changes).
  let js = fs.readFileSync(path.join(bindgen, `${stem}.js`), 'utf8');
  const wasm = fs.readFileSync(path.join(bindgen, mainWasm));
  const newStem = `runlens-${hash(Buffer.concat([wasm, Buffer.from(js), Buffer.from(loader)]))}`;
  if (!loader.includes(`"./${stem}.js"`)) throw new Error(`split-wasm: the loader does not import ./${stem}.js`);
  loader = await small(loader.replaceAll(`"./${stem}.js"`, `"./${newStem}.js"`));
  const loaderName = `runlens-split-${hash(loader)}.js`;
  fs.writeFileSync(path.join(staging, loaderName), loader);

  // The glue imports the loader by the name the wasm imports it by; only the
  // import statements and the wasm's default address change (the names the
  // wasm imports by, such as "./<Trunk's name>_bg.js", stay).
  if (!js.includes('from "./__wasm_split.js"')) throw new Error('split-wasm: the glue does not import the loader');
  js = await small(js.replaceAll('from "./__wasm_split.js"', `from "./${loaderName}"`)
    .replaceAll(`'${stem}_bg.wasm'`, `'${newStem}_bg.wasm'`));
  fs.rmSync(path.join(staging, mainJs));
  fs.rmSync(path.join(staging, mainWasm));
  fs.writeFileSync(path.join(staging, `${newStem}.js`), js);
  fs.writeFileSync(path.join(staging, `${newStem}_bg.wasm`), wasm);

  // index.html: the new names and integrity, and the loader fetched with the glue.
  const htmlPath = path.join(staging, 'index.html');
  let html = fs.readFileSync(htmlPath, 'utf8');
  if (!html.includes(stem) || !html.includes('</head>')) throw new Error('split-wasm: index.html does not name the app, or has no </head>');
  html = html.replaceAll(stem, newStem);
  const setIntegrity = (file, bytes) => {
    let found = 0;
    html = html.replace(/<link\b[^>]*>/g, (tag) => {
      if (!tag.includes(`/${file}`) || !/integrity=/.test(tag)) return tag;
      found += 1;
      return tag.replace(/integrity=("[^"]*"|'[^']*'|[^\s>]+)/, `integrity="${sri(bytes)}"`);
    });
    if (found === 0) throw new Error(`split-wasm: index.html has no integrity for ${file}`);
  };
  setIntegrity(`${newStem}.js`, js);
  setIntegrity(`${newStem}_bg.wasm`, wasm);
  const base = (process.env.TRUNK_PUBLIC_URL || '/').replace(/\/?$/, '/');
  const preload = `<link rel="modulepreload" href="${base}${loaderName}" crossorigin="anonymous" integrity="${sri(loader)}">`;
  // Every page's parts, for the app to have the browser prefetch once its
  // first page is drawn (app::prefetch_parts), so that opening another page
  // does not wait for its download. Not prefetch links: the browser would
  // fetch them during the first load, sharing its bandwidth.
  const later = [...new Set(Object.entries(manifest).filter(([k]) => k.endsWith('-route-view')).flatMap(([, files]) => files))]
    .map((f) => `${base}${f}`).join(' ');
  html = html.replace('</head>', `${preload}<meta name="runlens-prefetch" content="${later}"></head>`);
  fs.writeFileSync(htmlPath, html);
  say(`${newStem}: main ${wasm.length} bytes, ${parts.length} parts${optimize ? '' : ' (not optimised)'}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
