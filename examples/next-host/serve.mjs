// Serve the Next.js host's production build (out/, from `npm run build`) on its own origin:
//   node examples/next-host/serve.mjs [--port 8091] [--api http://127.0.0.1:8080] [--pat TOKEN]
// As the QuFabric web bundle is served: every page's HTML for its address, the elements'
// module at /qufabric/ (dist-embed/, cached as the README's recipe says), and a policy of
// the real bundle's kind: `script-src 'self' 'wasm-unsafe-eval'` with the hashes of the
// page's own inline scripts (no 'unsafe-inline'), the API origin in connect-src. Besides
// it a report-only policy that also drops 'unsafe-inline' from style-src and data: from
// img-src: the real bundle allows both, the elements must not need them. Reports are kept
// in `reports`; /host-config.json tells the page the API origin and the token.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { embedCache, embedFile, fileSender } from '../host/serve.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const OUT = path.join(HERE, 'out');

/** The sha-256 sources of the inline scripts of an HTML page. */
export function inlineScriptHashes(html) {
  const hashes = [];
  for (const [, attributes, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (/\bsrc=/.test(attributes)) continue;
    hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return [...new Set(hashes)];
}

/** The enforced and the report-only policy of a page whose inline scripts hash to
 * `hashes`; `connectToApi` false leaves the API out of connect-src (the policy a host
 * build script produces when it forgets it). */
export function nextHostPolicies({ api, hashes, connectToApi = true }) {
  const common = [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
    `connect-src 'self'${connectToApi ? ` ${api}` : ''}`,
    "font-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'",
  ];
  return {
    enforced: [...common, "style-src 'self' 'unsafe-inline'", "img-src 'self' data:"].join('; '),
    reportOnly: [...common, "style-src 'self'", "img-src 'self'", 'report-uri /csp-reports'].join('; '),
  };
}

async function isFile(file) {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The file of out/ an address stands for (`/settings` → settings.html), or null. */
async function pageFile(pathname) {
  const inside = path.join(OUT, path.normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, ''));
  if (!inside.startsWith(OUT)) return null;
  for (const candidate of [inside, `${inside}.html`, path.join(inside, 'index.html')]) {
    if (await isFile(candidate)) return candidate;
  }
  return null;
}

export async function startNextHost({ port = 0, api, pat = '', policy = {} }) {
  if (!(await isFile(path.join(OUT, 'index.html')))) {
    throw new Error(`${OUT} has no build: run npm run build in examples/next-host`);
  }
  const requests = [];
  const reports = [];
  const send = fileSender();
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url, 'http://host');
    requests.push(url.pathname);
    if (request.method === 'POST' && url.pathname === '/csp-reports') {
      let body = '';
      for await (const chunk of request) body += chunk;
      try {
        reports.push(JSON.parse(body)['csp-report'] ?? JSON.parse(body));
      } catch {
        reports.push({ unreadable: body });
      }
      response.writeHead(204);
      response.end();
      return;
    }
    if (url.pathname === '/host-config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ api, pat }));
      return;
    }
    if (url.pathname.startsWith('/qufabric/')) {
      const file = embedFile(url.pathname);
      await send(request, response, file, { 'cache-control': embedCache(path.basename(file)) });
      return;
    }
    const file = await pageFile(url.pathname);
    const status = file ? 200 : 404;
    const shown = file ?? path.join(OUT, '404.html');
    const headers = { 'cache-control': url.pathname.startsWith('/_next/static/') ? 'public, max-age=31536000, immutable' : 'no-cache' };
    if (shown.endsWith('.html')) {
      const { enforced, reportOnly } = nextHostPolicies({ api, hashes: inlineScriptHashes(await readFile(shown, 'utf8')), ...policy });
      headers['content-security-policy'] = enforced;
      headers['content-security-policy-report-only'] = reportOnly;
    }
    await send(request, response, shown, headers, status);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    const url = `http://127.0.0.1:${server.address().port}`;
    resolve({ url, requests, reports, close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }) });
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : fallback; };
  const api = arg('--api', 'http://127.0.0.1:8080');
  const host = await startNextHost({ port: Number(arg('--port', '8091')), api, pat: arg('--pat', '') });
  console.log(`Next.js host: ${host.url}/settings?tab=identity-providers (API ${api})`);
}
