// Shared setup for browser tests and benchmarks: the built app (dist/) on a
// local port, Debian's Chromium driven by playwright-core, the demo data.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const API_DIR = path.join(ROOT, 'public/api');
/// The demo snapshot's "now" (src/demo/mod.rs DEMO_NOW) plus half an hour.
export const FIXED_NOW = new Date('2026-11-26T04:00:00Z');

export function readApi(rel, dir = API_DIR) {
  return JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8'));
}

export async function launch({ mounts = {}, hang = [] } = {}) {
  const dist = path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error('dist/ is missing: run `trunk build --release` (scripts/test.sh does)');
  }
  // Every test runs the app under the strict CSP the server sends (README, "Deployment").
  const server = await startServer({ root: dist, mounts, hang });
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    base,
    browser,
    server,
    // fixedClock: Date.now() returns FIXED_NOW (relative times are then exact).
    // Benchmarks turn it off: Playwright's fake clock also replaces `performance`.
    async page({ timezoneId = 'UTC', viewport = { width: 1440, height: 900 }, fixedClock = true } = {}) {
      const context = await browser.newContext({ timezoneId, viewport });
      const page = await context.newPage();
      if (fixedClock) await page.clock.setFixedTime(FIXED_NOW);
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(e.message));
      // Content Security Policy refusals, as Chromium reports them.
      page.cspViolations = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) page.cspViolations.push(m.text());
      });
      return page;
    },
    async close() {
      await browser.close();
      server.close();
    },
  };
}

// Mirrors of core::format, so expectations are derived from the demo data.
export function humanDuration(ms) {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.floor(ms / 1000);
  const pair = (b, bu, sm, su) => (sm === 0 ? `${b} ${bu}` : `${b} ${bu} ${sm} ${su}`);
  if (s < 60) return `${s} s`;
  if (s < 3600) return pair(Math.floor(s / 60), 'min', s % 60, 's');
  if (s < 86400) return pair(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  return pair(Math.floor(s / 86400), 'd', Math.floor((s % 86400) / 3600), 'h');
}

export function utcStamp(iso) {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

export const STATUS_LABEL = {
  complete: 'Complete', failed: 'Failed', in_progress: 'In progress', pending: 'Pending',
  skipped: 'Skipped', not_scheduled: 'Not scheduled',
};
