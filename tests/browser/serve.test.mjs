// The test server survives any request (finding 9 of issue 12): broken
// percent-escapes, %00 and traversal attempts get an answer, the server
// keeps serving, and nothing outside the served directory is ever sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { startServer, inlineScriptHashes, cleanPath, walksUp } from './serve.mjs';

let server, root, secret, port;

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-serve-'));
  root = path.join(dir, 'dist');
  fs.mkdirSync(path.join(root, 'api'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title><script type="module">import "/app.js";</script>');
  fs.writeFileSync(path.join(root, 'api', 'a.json'), '{"ok":true}');
  secret = path.join(dir, 'secret.txt');
  fs.writeFileSync(secret, 'TOP SECRET');
  server = await startServer({ root });
  port = server.address().port;
});

after(() => server.close());

/// Sends a raw request line (no client-side normalisation) and returns the answer.
function raw(target) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('end', () => resolve(data));
    s.on('error', reject);
    s.setTimeout(5000, () => { s.destroy(); reject(new Error(`no answer to ${target}`)); });
  });
}

const status = (answer) => Number(answer.split(' ')[1]);

test('hostile paths get an answer and never a file outside the root', async () => {
  const hostile = [
    '/environments/%E0%A4%A', '/%', '/%zz', '/%00', '/api/a.json%00.html', '/..%2Fsecret.txt',
    '/../secret.txt', '/api/..%2F..%2Fsecret.txt', '/%2e%2e/%2e%2e/secret.txt', '/..\\secret.txt',
    '/%5c..%5csecret.txt', '//etc/passwd', '/' + 'a'.repeat(5000), '/api/%C0%AE%C0%AE/secret.txt',
  ];
  for (const target of hostile) {
    const answer = await raw(target);
    assert.ok(status(answer) >= 200, `${target}: ${answer.slice(0, 80)}`);
    assert.ok(!answer.includes('TOP SECRET'), `${target} leaked a file outside the root`);
  }
  assert.equal(status(await raw('/%E0%A4%A')), 400);
  assert.equal(status(await raw('/%00')), 400);
  // Still serving after all of that.
  const ok = await raw('/api/a.json');
  assert.equal(status(ok), 200);
  assert.ok(ok.includes('{"ok":true}'));
  assert.equal(status(await raw('/environments/prod')), 200);
  assert.equal(status(await raw('/api/missing.json')), 404);
  assert.equal(status(await raw('/api/..%2F..%2Fsecret.txt')), 404);
  // A page path that walks up is the app's page, never a file.
  const page = await raw('/environments/prod/runs/..%2F..%2Fenvironments');
  assert.equal(status(page), 200);
  assert.ok(page.includes('<title>app</title>'));
});

test('a malformed request line is answered 400, and the server lives on', async () => {
  const answer = await new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('NONSENSE\r\n\r\n'));
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('end', () => resolve(data));
    s.on('error', () => resolve(data));
  });
  assert.match(answer, /^HTTP\/1\.1 400/);
  assert.equal(status(await raw('/api/a.json')), 200);
});

test('every answer carries the strict CSP, with the hash of the inline loader', async () => {
  const answer = await raw('/');
  const csp = answer.match(/content-security-policy: (.*)\r\n/i)[1];
  const [hash] = inlineScriptHashes(fs.readFileSync(path.join(root, 'index.html'), 'utf8'));
  assert.match(hash, /^'sha256-[A-Za-z0-9+/]+=*'$/);
  assert.ok(csp.includes(`script-src 'self' 'wasm-unsafe-eval' ${hash}`), csp);
  assert.ok(!/script-src[^;]*'unsafe-inline'/.test(csp), csp);
  assert.ok(csp.includes("default-src 'self'"));
  assert.ok(csp.includes("connect-src 'self'"));
});

test('cleanPath', () => {
  assert.equal(cleanPath('/a%20b'), '/a b');
  assert.equal(cleanPath('/%E0%A4%A'), null);
  assert.equal(cleanPath('/a%00'), null);
  assert.equal(cleanPath('/a/%2e%2e/b'), '/a/../b');
  assert.equal(walksUp('/a/../b'), true);
  assert.equal(walksUp('/a/..b/c'), false);
  assert.equal(cleanPath('/a%5cb'), null);
});

test('files carry an ETag and Last-Modified, and a conditional GET of an unchanged file is a 304', async () => {
  const url = `http://127.0.0.1:${port}/api/a.json`;
  const first = await fetch(url);
  assert.equal(first.status, 200);
  assert.equal(await first.text(), '{"ok":true}');
  const etag = first.headers.get('etag');
  const modified = first.headers.get('last-modified');
  assert.match(etag, /^W\/"[0-9a-f]+-[0-9a-f]+"$/);
  assert.ok(Number.isFinite(Date.parse(modified)), modified);

  const again = await fetch(url, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), '');
  assert.equal(again.headers.get('etag'), etag);
  assert.equal((await fetch(url, { headers: { 'If-Modified-Since': modified } })).status, 304);
  // A validator for another version, or a date before the change: the file.
  assert.equal((await fetch(url, { headers: { 'If-None-Match': 'W/"0-0"' } })).status, 200);
  assert.equal((await fetch(url, { headers: { 'If-Modified-Since': new Date(Date.parse(modified) - 1000).toUTCString() } })).status, 200);
  // If-None-Match wins over If-Modified-Since.
  assert.equal((await fetch(url, { headers: { 'If-None-Match': 'W/"0-0"', 'If-Modified-Since': modified } })).status, 200);

  // Rewritten (another size, a later time): a new ETag, and the new text.
  const file = path.join(root, 'api', 'a.json');
  fs.writeFileSync(file, '{"ok":false,"n":2}');
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(file, later, later);
  const changed = await fetch(url, { headers: { 'If-None-Match': etag, 'If-Modified-Since': modified } });
  assert.equal(changed.status, 200);
  assert.equal(await changed.text(), '{"ok":false,"n":2}');
  assert.notEqual(changed.headers.get('etag'), etag);
  fs.writeFileSync(file, '{"ok":true}');
});
