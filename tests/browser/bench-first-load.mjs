// Benchmark: a first visit, the app in parts (dist/) against another build
// (--other, e.g. the one-wasm build before the split), in one headless
// Chromium run: from navigation to the environments page drawn (its
// environment links in the DOM), over a throttled network (Chromium's
// network emulation: --mbps down, --rtt ms), cold caches (a fresh browser
// context each time), alternating which build goes first. Prints each
// build's bytes fetched before the page was drawn and the median time, and
// the ratio.
//
//   node tests/browser/bench-first-load.mjs --other /tmp/dist-one [--rounds 7] [--mbps 10] [--rtt 40] [--url /]
import path from 'node:path';
import { launch, ROOT, API_DIR } from './harness.mjs';
import { startServer } from './serve.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const other = opt('--other');
if (!other) throw new Error('--other <dist> is required (the build to compare with)');
const rounds = Number(opt('--rounds', 7));
const mbps = Number(opt('--mbps', 10));
const rtt = Number(opt('--rtt', 40));
const url = opt('--url', '/');
const ready = opt('--ready', 'a[data-env]');

const h = await launch();
const builds = await Promise.all([
  { name: 'parts (dist/)', root: path.join(ROOT, 'dist') },
  { name: `other (${other})`, root: path.resolve(other) },
].map(async (b) => ({ ...b, server: await startServer({ root: b.root, mounts: { '/api': API_DIR } }) })));

async function once(b) {
  const base = `http://127.0.0.1:${b.server.address().port}`;
  const page = await h.page({ fixedClock: false });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: rtt, downloadThroughput: (mbps * 1e6) / 8, uploadThroughput: (mbps * 1e6) / 8,
  });
  let bytes = 0;
  let drawn = false;
  cdp.on('Network.loadingFinished', (e) => { if (!drawn) bytes += e.encodedDataLength; });
  await page.goto(`${base}${url}`);
  await page.locator(ready).first().waitFor({ timeout: 120_000 });
  drawn = true;
  const ms = await page.evaluate(() => performance.now());
  await page.context().close();
  return { ms, bytes };
}

const times = new Map(builds.map((b) => [b.name, []]));
const sizes = new Map(builds.map((b) => [b.name, []]));
for (let r = 0; r < rounds; r++) {
  for (const b of r % 2 ? [...builds].reverse() : builds) {
    const { ms, bytes } = await once(b);
    times.get(b.name).push(ms);
    sizes.get(b.name).push(bytes);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`first visit to ${url}, drawn when ${ready} is in the DOM; ${mbps} Mbit/s, ${rtt} ms round trip; ${rounds} rounds, cold caches (uncompressed transfer)`);
for (const b of builds) {
  console.log(`  ${b.name.padEnd(40)} ${median(times.get(b.name)).toFixed(0).padStart(6)} ms median  (${times.get(b.name).map((t) => t.toFixed(0)).join(', ')}), ${(median(sizes.get(b.name)) / 1024).toFixed(0)} KB fetched`);
}
const [a, o] = builds.map((b) => median(times.get(b.name)));
console.log(`  the other build takes ${(o / a).toFixed(2)}x the time of the parts`);
for (const b of builds) b.server.close();
await h.close();
