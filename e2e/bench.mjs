// The benchmark behind scripts/bench.sh: figures, not a test (nothing here passes or
// fails). Against the reference server seeded with many providers and groups, in headless
// Chromium, it prints medians of several runs:
//   - rendering the providers list (1,000 and 10,000 rows), as a ratio to the floor: the
//     same rows built with direct DOM calls in the same page, JSON parsing included;
//   - the allow-groups picker over 1,000 and 10,000 groups: per keystroke, until the
//     suggestions are on screen, against the floor (a filter in JavaScript and the same
//     suggestion buttons built with DOM calls);
//   - requests per settings page reload and their waves (every answer held, so a request
//     that waits for another's answer shows as a second wave whatever the timing);
//   - in the example host (examples/host): switching back to the elements' tab against the
//     host's own tab (a list it loaded at page load), and a new page's first mount, from the
//     module defining the elements to the first provider row on screen, on a returning
//     visit (the module cached) and on a first visit (a new browser profile);
//   - a signed-in reload of the providers page until its first row is visible;
//   - the login page, cold (a new browser context each run): the bytes it downloads (bodies
//     as served, compressed) and the time until its sign-in buttons are on screen.
import { apiTraffic, launchBrowser, newPage, setupOwner, setupOwnerWithToken, signInWithEmail, startServer } from './harness.mjs';
import { startHost } from '../examples/host/serve.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
// `BENCH_ONLY=list` (or `picker`, `requests`, `host`, `login`) runs one part, for trying a change quickly.
const ONLY = process.env.BENCH_ONLY ?? '';
const runs = (part) => ONLY === '' || ONLY === part;
const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${value.toFixed(1)} ms`;

/** In every page: note when `selector` first matches at least `window.__benchCount` nodes. */
const PROBE = () => {
  window.__bench = { done: null };
  const check = () => {
    const want = window.__benchWant;
    if (!want || window.__bench.done !== null) return;
    if (document.querySelectorAll(want.selector).length >= want.count) {
      window.__bench.done = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
  window.__benchCheck = check;
};

/** A recipe of `element`: tag, attributes, children (text kept), for the floor to rebuild. */
const RECIPE = (element) => {
  // Elements and text; Leptos's comment markers are its bookkeeping, not markup.
  const walk = (node) => node.nodeType === Node.TEXT_NODE
    ? { text: node.textContent }
    : {
      tag: node.tagName.toLowerCase(),
      attrs: [...node.attributes].map((a) => [a.name, a.value]),
      children: [...node.childNodes]
        .filter((child) => child.nodeType === Node.TEXT_NODE || child.nodeType === Node.ELEMENT_NODE)
        .map(walk),
    };
  return walk(element);
};

/** Build recipes with direct DOM calls into a new container; returns the time taken. */
const FLOOR = ({ json, recipes, containerTag }) => {
  const build = (recipe) => {
    if (recipe.text !== undefined) return document.createTextNode(recipe.text);
    const element = document.createElement(recipe.tag);
    // A style goes through the CSS object model, as ours does: the page's
    // Content-Security-Policy refuses `style` attributes (and reporting each refusal is slow).
    for (const [name, value] of recipe.attrs) {
      if (name === 'style') element.style.cssText = value;
      else element.setAttribute(name, value);
    }
    for (const child of recipe.children) element.appendChild(build(child));
    return element;
  };
  const start = performance.now();
  JSON.parse(json);
  const container = document.createElement(containerTag);
  for (const recipe of recipes) container.appendChild(build(recipe));
  document.body.appendChild(container);
  const taken = performance.now() - start;
  container.remove();
  return taken;
};

async function signedInPage(browser, server) {
  const { page, context } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await page.addInitScript(PROBE);
  await signInWithEmail(page, server, OWNER);
  return { page, context };
}

/** The providers list with `count` rows: ours and the floor, medians of RUNS. */
async function providersList(browser, count) {
  const server = await startServer({ args: ['--seed-providers', String(count)] });
  await setupOwner(server, OWNER);
  const { page, context } = await signedInPage(browser, server);
  const ours = [];
  const floors = [];
  const selector = 'table.providers tbody tr';
  for (let run = 0; run < RUNS; run += 1) {
    await page.addInitScript(({ selector, count }) => { window.__benchWant = { selector, count }; }, { selector, count });
    await page.goto(`${server.url}/settings/identity-providers`);
    await page.waitForFunction(() => window.__bench.done !== null, null, { timeout: 120000 });
    const taken = await page.evaluate(() => {
      const answer = performance.getEntriesByType('resource')
        .filter((e) => e.name.endsWith('/api/identity-providers')).pop();
      return window.__bench.done - answer.responseEnd;
    });
    ours.push(taken);
    const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('qufabric.session')).access_token);
    const json = await (await fetch(`${server.url}/api/identity-providers`, { headers: { authorization: `Bearer ${token}` } })).text();
    const recipes = await page.evaluate(({ selector, recipe }) => {
      const toRecipe = new Function(`return (${recipe})`)();
      return [...document.querySelectorAll(selector)].map(toRecipe);
    }, { selector, recipe: RECIPE.toString() });
    floors.push(await page.evaluate(FLOOR, { json, recipes, containerTag: 'tbody' }));
  }
  await context.close();
  await server.cleanup();
  return { ours: median(ours), floor: median(floors) };
}

/** Typing into the allow-groups picker over `count` groups: per keystroke, ours and floor. */
async function picker(browser, count) {
  const server = await startServer({ args: ['--seed-groups', String(count)] });
  await setupOwner(server, OWNER);
  const { page, context } = await signedInPage(browser, server);
  await page.goto(`${server.url}/settings/groups`);
  const input = page.locator('#allow-input');
  await input.waitFor();
  const names = await page.evaluate(async (url) => {
    const token = JSON.parse(sessionStorage.getItem('qufabric.session')).access_token;
    const groups = await (await fetch(`${url}/api/groups`, { headers: { authorization: `Bearer ${token}` } })).json();
    return groups.map((g) => g.name);
  }, server.url);
  const ours = [];
  const floors = [];
  // Each keystroke narrows the match: "t", "te", … "team-0001" (fewer than 8 at the end).
  const typed = 'team-0001';
  for (let run = 0; run < RUNS; run += 1) {
    await input.fill('');
    await page.waitForFunction(() => document.querySelector('.suggestions').hidden);
    for (let length = 1; length <= typed.length; length += 1) {
      const prefix = typed.slice(0, length);
      const expected = names.filter((n) => n.toLowerCase().includes(prefix)).slice(0, 8);
      const taken = await page.evaluate(async ({ prefix, expected }) => {
        const input = document.querySelector('#allow-input');
        const list = document.querySelector('.suggestions');
        const shown = () => [...list.querySelectorAll('button')].map((b) => b.textContent).join('\n') === expected.join('\n');
        const start = performance.now();
        input.value = prefix;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        while (!shown()) await new Promise((resolve) => queueMicrotask(resolve));
        return performance.now() - start;
      }, { prefix, expected });
      ours.push(taken);
      floors.push(await page.evaluate(({ names, prefix }) => {
        const start = performance.now();
        const typed = prefix.toLowerCase();
        const matches = [];
        for (const name of names) {
          if (name.toLowerCase().includes(typed)) matches.push(name);
          if (matches.length === 8) break;
        }
        const list = document.createElement('ul');
        for (const name of matches) {
          const item = document.createElement('li');
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'button secondary';
          button.textContent = name;
          item.appendChild(button);
          list.appendChild(item);
        }
        document.body.appendChild(list);
        const taken = performance.now() - start;
        list.remove();
        return taken;
      }, { names, prefix }));
    }
  }
  await context.close();
  await server.cleanup();
  return { ours: median(ours), floor: median(floors) };
}

/** The waves of a request log (`{ kind: 'start' | 'answer' }` in the browser's order): a
 * request that starts after an answer arrived begins a new wave. */
function wavesOf(log) {
  let waves = 0;
  let answered = true;
  for (const entry of log) {
    if (entry.kind === 'answer') answered = true;
    else if (answered) { waves += 1; answered = false; }
  }
  return waves;
}

/** Requests of a signed-in reload of `route`, and their waves. Every API answer is held
 * (the server's fault switch), the signed-in user's longest, so a request that waits for
 * another's answer cannot start before it: the count of waves does not depend on timing. */
async function requestsPerLoad(browser, server, route) {
  const { page, context } = await signedInPage(browser, server);
  await page.goto(`${server.url}${route}`);
  await page.waitForLoadState('networkidle');
  const hold = (path, ms, times) => fetch(`${server.url}/__test__/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'GET', path, phase: 'before', kind: 'delay', ms, times }),
  });
  await hold('/api/users/current', 600, 1);
  await hold('/api/*', 300, 50);
  const log = (await apiTraffic(page, server, () => page.reload()))
    .filter((entry) => entry.path !== 'POST /oauth2/token');
  await fetch(`${server.url}/__test__/faults`, { method: 'DELETE' });
  await context.close();
  const started = log.filter((e) => e.kind === 'start');
  return { count: started.length, waves: wavesOf(log), paths: started.map((e) => e.path) };
}

/** The example host (examples/host), authorised with `pat`, its elements showing content. */
async function hostPage(browser, host, server, pat) {
  const { page, context } = await newPage(browser);
  await page.addInitScript((token) => sessionStorage.setItem('host.pat', token), pat);
  await page.goto(`${host.url}/?api=${encodeURIComponent(server.url)}`);
  await page.locator('qufabric-identity-providers table.providers tbody tr').first().waitFor();
  await page.waitForLoadState('networkidle');
  return { page, context };
}

/** In the host page: open the tab at `hash` and time until `shown()` is true and the
 * frame after it (the content on screen), from the moment the tab was asked for. */
const OPEN_TAB = ({ hash, probe }) => new Promise((resolve) => {
  const shown = new Function(`return (${probe})`)();
  const start = performance.now();
  const painted = () => requestAnimationFrame(() => resolve(performance.now() - start));
  const poll = () => (shown() ? painted() : requestAnimationFrame(poll));
  window.addEventListener('hashchange', function once() {
    window.removeEventListener('hashchange', once);
    poll();
  });
  location.hash = hash;
});
const MEMBERS_SHOWN = () => document.querySelectorAll('#member-list li').length > 0;
const ELEMENT_SHOWN = () => (document.querySelector('qufabric-identity-providers')?.shadowRoot
  ?.querySelectorAll('table.providers tbody tr').length ?? 0) > 0;

/** Switching tabs in the example host: its own Members tab (a list it loaded at page load)
 * and back to Single sign-on (new elements, which show what the last ones loaded). */
async function tabSwitches(browser, host, server, pat) {
  const { page, context } = await hostPage(browser, host, server, pat);
  const hostTab = [];
  const elementTab = [];
  for (let run = 0; run < RUNS; run += 1) {
    hostTab.push(await page.evaluate(OPEN_TAB, { hash: '#members', probe: MEMBERS_SHOWN.toString() }));
    elementTab.push(await page.evaluate(OPEN_TAB, { hash: '#sso', probe: ELEMENT_SHOWN.toString() }));
    await page.waitForLoadState('networkidle');
  }
  await context.close();
  return { host: median(hostTab), element: median(elementTab) };
}

/** A new page of the example host: from the moment the module's WebAssembly runs (its
 * `ready`; the elements mount then) until the providers element's first row is on screen:
 * the signed-in user's and the lists' requests, one wave, and the first draw. Measured on
 * a first visit (a new browser profile: the wasm is downloaded and, as Chromium compiles
 * WebAssembly lazily, each function is compiled as it first runs, during the mount) and on
 * the next page load in the same profile (the wasm from the browser's cache, its compiled
 * code reused: the returning visit that the hashed, immutable module files are for). */
async function firstMount(browser, host, server, pat) {
  const firstVisit = [];
  const returning = [];
  for (let run = 0; run < RUNS; run += 1) {
    const { page, context } = await newPage(browser);
    await page.addInitScript((token) => {
      sessionStorage.setItem('host.pat', token);
      customElements.whenDefined('qufabric-identity-providers')
        .then(() => import('/qufabric/qufabric-sso.js')).then((module) => module.ready).then(() => {
        const defined = performance.now();
        const poll = () => {
          const rows = document.querySelector('qufabric-identity-providers')?.shadowRoot?.querySelectorAll('table.providers tbody tr');
          if (rows?.length) requestAnimationFrame(() => { window.__firstMount = performance.now() - defined; });
          else requestAnimationFrame(poll);
        };
        poll();
      });
    }, pat);
    for (const times of [firstVisit, returning]) {
      await page.goto(`${host.url}/?api=${encodeURIComponent(server.url)}`);
      await page.waitForFunction(() => window.__firstMount !== undefined, null, { timeout: 60000 });
      times.push(await page.evaluate(() => window.__firstMount));
    }
    await context.close();
  }
  return { firstVisit: median(firstVisit), returning: median(returning) };
}

/** Reload the providers page, signed in, until its first row is visible: median ms. */
async function reloadToContent(browser, server) {
  const { page, context } = await signedInPage(browser, server);
  const times = [];
  for (let run = 0; run < RUNS; run += 1) {
    await page.addInitScript(() => { window.__benchWant = { selector: 'table.providers tbody tr', count: 1 }; });
    await page.goto(`${server.url}/settings/identity-providers`);
    await page.waitForFunction(() => window.__bench.done !== null, null, { timeout: 60000 });
    times.push(await page.evaluate(() => window.__bench.done));
  }
  await context.close();
  return median(times);
}

/** The login page in a new context (nothing cached) until its `buttons` sign-in buttons are
 * on screen: median bytes downloaded (the bodies as served) and median ms. With `network`,
 * Chromium's network emulation (DevTools protocol) stands between page and server: on
 * loopback bytes cost almost nothing, on a real link they cost time. */
async function loginPage(browser, server, buttons, network) {
  const bytes = [];
  const times = [];
  for (let run = 0; run < RUNS; run += 1) {
    const { page, context } = await newPage(browser);
    if (network) {
      const devtools = await context.newCDPSession(page);
      await devtools.send('Network.enable');
      await devtools.send('Network.emulateNetworkConditions', { offline: false, ...network });
    }
    await page.addInitScript(PROBE);
    await page.addInitScript((count) => { window.__benchWant = { selector: 'main button', count }; }, buttons);
    await page.goto(`${server.url}/login`);
    await page.waitForFunction(() => window.__bench.done !== null, null, { timeout: 60000 });
    times.push(await page.evaluate(() => window.__bench.done));
    bytes.push(await page.evaluate(() => performance.getEntriesByType('navigation')
      .concat(performance.getEntriesByType('resource'))
      .reduce((sum, entry) => sum + entry.encodedBodySize, 0)));
    await context.close();
  }
  return { bytes: median(bytes), time: median(times) };
}

const browser = await launchBrowser();
try {
  console.log(`Medians of ${RUNS} runs.`);
  const lists = {};
  if (runs('list')) for (const count of [1000, 10000]) {
    lists[count] = await providersList(browser, count);
    const { ours, floor } = lists[count];
    console.log(`providers list, ${count} rows: ${ms(ours)} (floor ${ms(floor)}, ${(ours / floor).toFixed(2)}x)`);
  }
  if (runs('list')) console.log(`providers list growth 1,000 -> 10,000 rows: ${(lists[10000].ours / lists[1000].ours).toFixed(1)}x (linear: 10x)`);
  const pickers = {};
  if (runs('picker')) for (const count of [1000, 10000]) {
    pickers[count] = await picker(browser, count);
    const { ours, floor } = pickers[count];
    console.log(`allow-groups picker over ${count} groups, per keystroke: ${ms(ours)} (floor ${ms(floor)}, ${(ours / floor).toFixed(2)}x)`);
  }
  if (runs('picker')) console.log(`picker growth 1,000 -> 10,000 groups: ${(pickers[10000].ours / pickers[1000].ours).toFixed(1)}x`);

  if (runs('requests')) {
    const server = await startServer({ args: ['--seed-providers', '3', '--seed-groups', '20', '--enable-test-faults'] });
    await setupOwner(server, OWNER);
    for (const route of ['/settings/identity-providers', '/settings/identity-providers/new', '/settings/groups', '/settings/users']) {
      const { count, waves, paths } = await requestsPerLoad(browser, server, route);
      const within = waves === 1 && count <= 5 ? 'within' : 'OVER';
      console.log(`reload of ${route}: ${count} requests in ${waves} wave${waves === 1 ? '' : 's'} (budget: one wave of at most 5: ${within}) (${paths.join(', ')})`);
    }
    console.log(`signed-in reload to first provider row visible: ${ms(await reloadToContent(browser, server))}`);
    await server.cleanup();
  }

  if (runs('host')) {
    const server = await startServer({ args: ['--seed-providers', '3', '--setup-pat-enabled'] });
    const pat = await setupOwnerWithToken(server, OWNER);
    const host = await startHost({ api: server.url });
    const tabs = await tabSwitches(browser, host, server, pat);
    const ratio = tabs.element / tabs.host;
    console.log(`example host, back to the elements' tab: ${ms(tabs.element)}; its own Members tab: ${ms(tabs.host)}; ${ratio.toFixed(2)}x (budget 1.5x: ${ratio <= 1.5 ? 'within' : 'OVER'})`);
    const first = await firstMount(browser, host, server, pat);
    console.log(`example host, new page, WebAssembly running to the first provider row on screen: returning visit (module cached) ${ms(first.returning)} (budget 100 ms: ${first.returning <= 100 ? 'within' : 'OVER'}); first visit (new profile, compiled as it runs) ${ms(first.firstVisit)}`);
    await host.close();
    await server.cleanup();
  }

  if (runs('login')) {
    // Three providers and email: four buttons.
    const server = await startServer({ args: ['--seed-providers', '3'] });
    await setupOwner(server, OWNER);
    const { bytes, time } = await loginPage(browser, server, 4);
    console.log(`login page, cold: ${(bytes / 1024).toFixed(1)} KB downloaded (as served, compressed), buttons on screen after ${ms(time)}`);
    // A 10 Mbit/s link with 40 ms round trips (a good mobile or a modest office line).
    const link = { latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8 };
    const slow = await loginPage(browser, server, 4, link);
    console.log(`login page, cold, 10 Mbit/s and 40 ms: buttons on screen after ${ms(slow.time)}`);
    await server.cleanup();
  }
} finally {
  await browser.close();
}
