// A static server for the built app (packages/app/dist) on its own origin, for the end-to-end
// tests: files as they are, every other path answered with index.html so that deep links such as
// /llm-ops/experiments/x load the single-page app. The build embedded the e2e config in
// index.html (scripts/e2e.sh builds with it), so nothing is injected here.
//
// Why not the backend's app-backend plugin: the llm-ops backend also mounts its API on the
// backend root at /llm-ops (for clients of the older platform), which answers a deep link to the
// app's /llm-ops pages with a 401 before the app is reached.
//
//   node packages/app/e2e/serve.mjs <dist directory> <port>
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const [distArg, portArg] = process.argv.slice(2);
if (!distArg || !portArg) {
  process.stderr.write('usage: node serve.mjs <dist directory> <port>\n');
  process.exit(2);
}
const dist = resolve(distArg);
const port = Number(portArg);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** The file under dist a URL path names, or undefined when it names none (or escapes dist). */
async function fileFor(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const path = normalize(join(dist, decoded));
  if (path !== dist && !path.startsWith(dist + sep)) return undefined;
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? { path, size: info.size } : undefined;
}

function send(res, method, status, file, cacheControl) {
  res.writeHead(status, {
    'Content-Type': TYPES[extname(file.path)] ?? 'application/octet-stream',
    'Content-Length': file.size,
    'Cache-Control': cacheControl,
  });
  if (method === 'HEAD') res.end();
  else createReadStream(file.path).pipe(res);
}

const server = createServer(async (req, res) => {
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const file = pathname === '/' ? undefined : await fileFor(pathname);
    if (file) {
      // Hashed bundle names under /static never change content; the rest may.
      const immutable = pathname.startsWith('/static/');
      send(
        res,
        req.method,
        200,
        file,
        immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      return;
    }
    if (pathname.startsWith('/static/')) {
      res.writeHead(404).end();
      return;
    }
    const index = await fileFor('/index.html');
    if (!index) {
      res.writeHead(503).end('no index.html: build the app first');
      return;
    }
    send(res, req.method, 200, index, 'no-cache');
  } catch (error) {
    process.stderr.write(`${req.method} ${req.url}: ${error.stack}\n`);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`serving ${dist} on http://localhost:${port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
