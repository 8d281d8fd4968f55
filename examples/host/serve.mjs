// Serve the example host page on its own origin:
//   node examples/host/serve.mjs [--port 8090] [--api http://127.0.0.1:8080]
// Files of this folder at /, the built elements (dist-embed/, from scripts/embed.sh) at
// /qufabric/, and index.html for every /sso/providers… address (the Identity Providers
// element reflects its pages there). A strict Content-Security-Policy, as a real console
// would send: no inline scripts or styles, only the API origin besides its own.
// dist-embed/ is served as the README's recipe says: the entry qufabric-sso.js for five
// minutes, the content-hashed glue and wasm immutable for a year, each compressed (brotli,
// else gzip) when the browser accepts it. `requests` lists every path asked for.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EMBED = path.resolve(HERE, '..', '..', 'dist-embed');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The host's policy: strict, the API origin in connect-src and WebAssembly allowed,
 * unless a test leaves one out (`connectToApi`, `webAssembly` false) to see it explained. */
export function hostPolicy(api, { connectToApi = true, webAssembly = true } = {}) {
  return [
    "default-src 'self'", `script-src 'self'${webAssembly ? " 'wasm-unsafe-eval'" : ''}`, "style-src 'self'",
    "img-src 'self'", `connect-src 'self'${connectToApi ? ` ${api}` : ''}`, "object-src 'none'", "base-uri 'none'",
  ].join('; ');
}

/** The cache lifetime of a dist-embed/ file, as the README's recipe says: the entry
 * briefly, the content-hashed glue and wasm for good. */
export function embedCache(name) {
  return name === 'qufabric-sso.js' ? 'public, max-age=300' : 'public, max-age=31536000, immutable';
}

/** The dist-embed/ file a `/qufabric/<name>` address stands for. */
export function embedFile(pathname) {
  return path.join(EMBED, path.basename(pathname));
}

/** A function that sends a file with `headers`, compressed (brotli, else gzip) when the
 * browser accepts it, and answers 404 when there is no such file. Compressed once per
 * content and coding (brotli at its best is slow on a megabyte; a rebuild under a
 * running host changes the content, so the key). */
export function fileSender() {
  const compressed = new Map();
  const compress = (coding, body) => {
    const key = `${coding} ${createHash('sha256').update(body).digest('hex')}`;
    if (!compressed.has(key)) {
      compressed.set(key, coding === 'br' ? zlib.brotliCompressSync(body) : zlib.gzipSync(body, { level: 9 }));
    }
    return compressed.get(key);
  };
  return async (request, response, file, headers = {}, status = 200) => {
    let body;
    try {
      body = await readFile(file);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    const all = { 'content-type': contentType(file), vary: 'accept-encoding', ...headers };
    const accepts = request.headers['accept-encoding'] ?? '';
    const coding = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
    if (coding) {
      body = compress(coding, body);
      all['content-encoding'] = coding;
    }
    response.writeHead(status, all);
    response.end(body);
  };
}

export function contentType(file) {
  return TYPES[path.extname(file)] ?? 'application/octet-stream';
}

export function startHost({ port = 0, api, policy = {} }) {
  const csp = hostPolicy(api, policy);
  const requests = [];
  const send = fileSender();
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url, 'http://host');
    requests.push(url.pathname);
    let file;
    let cache = 'no-cache';
    if (url.pathname.startsWith('/qufabric/')) {
      file = embedFile(url.pathname);
      cache = embedCache(path.basename(file));
    } else if (url.pathname === '/' || url.pathname.startsWith('/sso/')) file = path.join(HERE, 'index.html');
    else file = path.join(HERE, path.basename(url.pathname));
    await send(request, response, file, { 'content-security-policy': csp, 'cache-control': cache });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    const url = `http://127.0.0.1:${server.address().port}`;
    resolve({ url, requests, close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }) });
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : fallback; };
  const api = arg('--api', 'http://127.0.0.1:8080');
  const host = await startHost({ port: Number(arg('--port', '8090')), api });
  console.log(`example host page: ${host.url}/?api=${encodeURIComponent(api)}`);
}
