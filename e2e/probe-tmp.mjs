import { startServer, launchBrowser, newPage } from './harness.mjs';
import { startHost } from '../examples/host/serve.mjs';
const OWNER = { email: 'owner@example.com', password: 'correct horse battery', name: 'Owner' };
const server = await startServer({ args: ['--seed-providers', '3', '--setup-pat-enabled'] });
const created = await (await fetch(`${server.url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...OWNER, create_pat: true }) })).json();
const host = await startHost({ api: server.url });
const browser = await launchBrowser();
for (let run = 0; run < 5; run++) {
  const { page, context } = await newPage(browser);
  await page.addInitScript((token) => {
    sessionStorage.setItem('host.pat', token);
    customElements.whenDefined('qufabric-identity-providers').then(() => import('/qufabric/qufabric-sso.js')).then((m) => m.ready).then(() => {
      window.__defined = performance.now();
      const poll = () => {
        const rows = document.querySelector('qufabric-identity-providers')?.shadowRoot?.querySelectorAll('table.providers tbody tr');
        if (rows?.length) window.__rows = performance.now(); else requestAnimationFrame(poll);
      };
      poll();
    });
  }, created.personal_access_token);
  await page.goto(`${host.url}/?api=${encodeURIComponent(server.url)}`);
  await page.waitForFunction(() => window.__rows !== undefined);
  const r = await page.evaluate(() => ({ defined: window.__defined, rows: window.__rows, res: performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).map((e) => `${new URL(e.name).pathname} start ${e.startTime.toFixed(0)} reqStart ${e.requestStart.toFixed(0)} respEnd ${e.responseEnd.toFixed(0)}`) }));
  console.log(JSON.stringify(r, null, 1));
  await context.close();
}
await browser.close(); await host.close(); await server.cleanup();
