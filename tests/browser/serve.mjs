// A tiny static server for the built app, used by the browser tests and the
// benchmarks (and a model for deployment): files from dist/, index.html for
// unknown page paths, a real 404 for unknown files under /api or with an
// extension. Extra directories can be mounted: --mount /bench-api=/tmp/x
//
// It survives any request: a broken percent-escape, %00 or a traversal
// attempt is a 400 or a 404, never a crash and never a file outside the
// served directories. Every answer carries the strict Content Security
// Policy of README.md ("Deployment"), computed from dist/index.html.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/// 'sha256-…' sources for every inline <script> of an index.html (Trunk
/// writes its loader inline), so that CSP can allow exactly those.
export function inlineScriptHashes(html) {
  const out = [];
  const re = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;
  let m;
  while ((m = re.exec(html))) {
    if (/\bsrc\s*=/.test(m[1])) continue;
    out.push(`'sha256-${crypto.createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
  }
  return out;
}

/// The Content-Security-Policy header for the app in `root` (dist/), reading
/// data from `connect` sources ('self' for a same-origin API).
export function contentSecurityPolicy(root, connect = ["'self'"]) {
  let hashes = [];
  try {
    hashes = inlineScriptHashes(fs.readFileSync(path.join(root, 'index.html'), 'utf8'));
  } catch { /* no index.html: no inline scripts to allow */ }
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
    // Leptos sets style attributes (virtual list offsets, graph transforms):
    // inline style *attributes* are allowed, style elements are not.
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    `connect-src ${connect.join(' ')}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/// Decodes a request path; null when it cannot be one (a bad escape, NUL,
/// a backslash).
export function cleanPath(rawPath) {
  let p;
  try {
    p = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (p.includes('\0') || p.includes('\\') || !p.startsWith('/')) return null;
  return p;
}

/// Whether a decoded path walks up (a `..` segment): never looked up as a file.
export const walksUp = (p) => p.split('/').some((seg) => seg === '..');

/// A weak validator of a file's version: its size and modification time (ms).
export const etagOf = (st) => `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;

/// Whether a conditional GET may be answered 304: If-None-Match (which wins
/// when present, RFC 9110 13.2.2) names the current ETag, or the file is not
/// newer than If-Modified-Since (whole seconds).
export function notModified(req, st, etag) {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    return inm.split(',').map((t) => t.trim()).some((t) => t === '*' || t === etag || `W/${t}` === etag);
  }
  const ims = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(ims) && Math.floor(st.mtimeMs / 1000) * 1000 <= ims;
}

/// Options: root (dist/), mounts {prefix: dir}, cors, csp (connect-src
/// sources, default 'self'; false for none), hang (path prefixes that are
/// never answered, for timeout tests; their requests are recorded in
/// server.hung with whether the client gave up).
export function startServer({ root, port = 0, mounts = {}, cors = false, csp = ["'self'"], hang = [] }) {
  const policy = csp ? contentSecurityPolicy(root, csp) : null;
  const hung = [];
  const server = http.createServer((req, res) => {
    try {
      serve(req, res);
    } catch (e) {
      // Last line of defence: an answer, not a crash.
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('server error');
    }
  });
  server.hung = hung;
  server.policy = policy;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  function serve(req, res) {
    const headers = {
      ...(cors ? { 'Access-Control-Allow-Origin': '*' } : {}),
      ...(policy ? { 'Content-Security-Policy': policy } : {}),
      'X-Content-Type-Options': 'nosniff',
    };
    const fail = (code, text) => {
      res.writeHead(code, { ...headers, 'Content-Type': 'text/plain' });
      res.end(text);
    };
    let url;
    try {
      url = new URL(req.url, 'http://x');
    } catch {
      return fail(400, 'bad request');
    }
    const raw = url.pathname;
    if (hang.some((h) => raw === h || raw.startsWith(h + '/'))) {
      const entry = { path: raw, aborted: false };
      hung.push(entry);
      // The response closes when the client gives up (abort, timeout).
      res.on('close', () => { entry.aborted = true; });
      return; // never answered
    }
    let pathname = cleanPath(raw);
    if (pathname === null) return fail(400, 'bad request');
    let base = root;
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (pathname === prefix || pathname.startsWith(prefix + '/')) {
        base = dir;
        pathname = pathname.slice(prefix.length) || '/';
        break;
      }
    }
    const baseDir = path.resolve(base);
    const file = path.resolve(baseDir, '.' + pathname);
    const inside = !walksUp(pathname) && (file === baseDir || file.startsWith(baseDir + path.sep));
    // A path that walks up is never a file; as a page it is the app (which
    // then shows its own "not found").
    const stat = inside ? (cb) => fs.stat(file, cb) : (cb) => cb(new Error('outside'));
    stat((err, st) => {
      try {
        if (!err && st.isFile()) {
          // Validators, so a client can ask "changed?" and get a 304 (the
          // app re-reads documents being written with cache mode no-cache).
          const validators = { ETag: etagOf(st), 'Last-Modified': st.mtime.toUTCString() };
          if (notModified(req, st, validators.ETag)) {
            res.writeHead(304, { ...headers, ...validators });
            res.end();
            return;
          }
          res.writeHead(200, { ...headers, ...validators, 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
          fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
          return;
        }
        const isPage = base === root && !pathname.startsWith('/api/') && !path.extname(pathname);
        if (isPage) {
          res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html'] });
          fs.createReadStream(path.join(root, 'index.html')).on('error', () => res.destroy()).pipe(res);
          return;
        }
        fail(404, 'not found');
      } catch {
        if (!res.headersSent) fail(500, 'server error');
        else res.destroy();
      }
    });
  }
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] && process.argv[1].endsWith('serve.mjs')) {
  const args = process.argv.slice(2);
  const get = (f) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : undefined; };
  const mounts = {};
  args.forEach((a, i) => { if (a === '--mount') { const [k, v] = args[i + 1].split('='); mounts[k] = path.resolve(v); } });
  const root = path.resolve(get('--root') || 'dist');
  const connect = get('--connect') ? ["'self'", ...get('--connect').split(',')] : ["'self'"];
  if (args.includes('--print-csp')) {
    console.log(contentSecurityPolicy(root, connect));
    process.exit(0);
  }
  const server = await startServer({ root, port: Number(get('--port') || 8080), mounts, cors: args.includes('--cors'), csp: connect });
  console.log(`serving ${root} on http://127.0.0.1:${server.address().port}`);
}
