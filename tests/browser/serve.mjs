// A tiny static server for the built app, used by the browser tests and the
// benchmarks (and a model for deployment): files from dist/, index.html for
// unknown page paths, a real 404 for unknown files under /api or with an
// extension. Extra directories can be mounted: --mount /bench-api=/tmp/x
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};

export function startServer({ root, port = 0, mounts = {}, cors = false }) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let pathname = decodeURIComponent(url.pathname);
    let base = root;
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (pathname === prefix || pathname.startsWith(prefix + '/')) {
        base = dir;
        pathname = pathname.slice(prefix.length) || '/';
      }
    }
    const file = path.join(base, path.normalize(pathname).replace(/^(\.\.[/\\])+/, ''));
    const headers = cors ? { 'Access-Control-Allow-Origin': '*' } : {};
    fs.stat(file, (err, st) => {
      if (!err && st.isFile()) {
        res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
        fs.createReadStream(file).pipe(res);
        return;
      }
      const isPage = base === root && !pathname.startsWith('/api/') && !path.extname(pathname);
      if (isPage) {
        res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html'] });
        fs.createReadStream(path.join(root, 'index.html')).pipe(res);
        return;
      }
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] && process.argv[1].endsWith('serve.mjs')) {
  const args = process.argv.slice(2);
  const get = (f) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : undefined; };
  const mounts = {};
  args.forEach((a, i) => { if (a === '--mount') { const [k, v] = args[i + 1].split('='); mounts[k] = path.resolve(v); } });
  const root = path.resolve(get('--root') || 'dist');
  const server = await startServer({ root, port: Number(get('--port') || 8080), mounts, cors: args.includes('--cors') });
  console.log(`serving ${root} on http://127.0.0.1:${server.address().port}`);
}
