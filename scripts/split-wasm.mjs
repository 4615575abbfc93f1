// Trunk's post-build hook (Trunk.toml): splits the app's WebAssembly into a
// main part and parts fetched when first needed, so that a first visit
// downloads the shell and its first page, not every page.
//
// The split points are the `#[lazy]` functions and `#[lazy_route]` pages of
// src/app (one part each, plus parts for code several of them share). Trunk
// 0.21 cannot split, so this hook does it after Trunk's build, with the
// tools cargo-leptos uses:
//   1. wasm-split-cli (crate wasm_split_cli_support) splits cargo's output,
//      linked with --emit-relocs (.cargo/config.toml), into the main module,
//      the parts and the JS that loads them;
//   2. wasm-bindgen makes the main module's JS glue again (it keeps the
//      linker's exports the parts import);
//   3. wasm-opt -Oz makes each module small (a release build);
//   4. the files replace Trunk's under the same names; each part's name gets
//      a hash of its bytes (a cache never mixes parts of two builds), the JS
//      is minified (terser; a release build), and index.html's integrity
//      hashes are updated.
// Environment: Trunk's TRUNK_STAGING_DIR and TRUNK_PROFILE; CARGO_TARGET_DIR;
// RUNLENS_WASM_OPT=0 keeps the modules unoptimised and their names (the
// profiling build of the README).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import os from 'node:os';
import { execFileSync, execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// Installed with the browser tests' tools (scripts/setup.sh).
import { minify } from '../tests/browser/node_modules/terser/main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const staging = process.env.TRUNK_STAGING_DIR;
const profile = process.env.TRUNK_PROFILE || 'release';
if (!staging) throw new Error('split-wasm: TRUNK_STAGING_DIR is not set (run by `trunk build`)');
const optimize = profile === 'release' && process.env.RUNLENS_WASM_OPT !== '0';
const targetDir = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const built = path.join(targetDir, 'wasm32-unknown-unknown', profile, 'runlens.wasm');

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
        await new Promise((ok, fail) => execFile('wasm-opt', ['-Oz', ...features, f, '-o', f], (e) => (e ? fail(e) : ok())));
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
  for (const m of loader.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"[\s\S]*?\n, \[([^\]]*)\]\)\);/g)) {
    const deps = m[3].split(',').map((d) => d.trim()).filter(Boolean).map((d) => consts.get(d));
    if (deps.some((d) => !d)) throw new Error(`split-wasm: a part of ${m[1]} has no file`);
    manifest[partName(`split_${m[1]}.wasm`)] = [m[2], ...deps];
  }
  if (Object.keys(manifest).length === 0) throw new Error('split-wasm: no split point found in the loader');
  fs.writeFileSync(path.join(staging, 'runlens-parts.json'), `${JSON.stringify(manifest, null, 1)}\n`);

  // A part that cannot be downloaded (offline, or a new version deployed
  // since this page loaded) stops the app: say so, with a way out.
  const report = 'console.error(e);';
  if (!loader.includes(report)) throw new Error('split-wasm: the loader has no failure branch to report from');
  loader = `${PART_FAILED}\n${loader.replace(report, `${report} runlensPartFailed();`)}`;

  const small = async (code) => (optimize ? (await minify(code, { module: true })).code : code);
  loader = await small(loader);
  const loaderName = `runlens-split-${hash(loader)}.js`;
  fs.writeFileSync(path.join(staging, loaderName), loader);

  let js = fs.readFileSync(path.join(bindgen, `${stem}.js`), 'utf8');
  // The glue imports the loader by the name the wasm imports it by; only the
  // import statements change (the wasm's import names stay).
  if (!js.includes('from "./__wasm_split.js"')) throw new Error('split-wasm: the glue does not import the loader');
  js = await small(js.replaceAll('from "./__wasm_split.js"', `from "./${loaderName}"`));
  const wasm = fs.readFileSync(path.join(bindgen, mainWasm));
  fs.writeFileSync(path.join(staging, mainJs), js);
  fs.writeFileSync(path.join(staging, mainWasm), wasm);

  // index.html: the new files' integrity, and the loader fetched with the glue.
  const htmlPath = path.join(staging, 'index.html');
  let html = fs.readFileSync(htmlPath, 'utf8');
  // Each tag naming `file` gets the new file's hash (Trunk's minified HTML
  // leaves attribute values unquoted).
  const setIntegrity = (file, bytes) => {
    let found = 0;
    html = html.replace(/<link\b[^>]*>/g, (tag) => {
      if (!tag.includes(`/${file}`) || !/integrity=/.test(tag)) return tag;
      found += 1;
      return tag.replace(/integrity=("[^"]*"|'[^']*'|[^\s>]+)/, `integrity="${sri(bytes)}"`);
    });
    if (found === 0) throw new Error(`split-wasm: index.html has no integrity for ${file}`);
  };
  setIntegrity(mainJs, js);
  setIntegrity(mainWasm, wasm);
  const base = (process.env.TRUNK_PUBLIC_URL || '/').replace(/\/?$/, '/');
  const preload = `<link rel="modulepreload" href="${base}${loaderName}" crossorigin="anonymous" integrity="${sri(loader)}">`;
  // Every page's parts, fetched by the browser when it is idle, so that
  // opening another page does not wait for its download.
  const later = [...new Set(Object.entries(manifest).filter(([k]) => k.endsWith('-route-view')).flatMap(([, files]) => files))]
    .map((f) => `<link rel="prefetch" href="${base}${f}" crossorigin="anonymous">`).join('');
  html = html.replace('</head>', `${preload}${later}</head>`);
  fs.writeFileSync(htmlPath, html);
  say(`${stem}: main ${wasm.length} bytes, ${parts.length} parts${optimize ? '' : ' (not optimised)'}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
