// The elements inside a real Next.js host (examples/next-host: App Router, static export,
// React 19, Tailwind's preflight, next-themes), as the QuFabric web bundle would carry
// them: served as its production build with a policy of the real bundle's kind plus a
// stricter report-only one, against an API server that does not serve the standalone
// dashboard. The host owns routing (the element's place is in its URL, through Next's
// router), the theme (a class on <html>, no theme attribute) and the layout (chrome="none").

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwnerWithToken } from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';
import { startNextHost } from '../../examples/next-host/serve.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };

let server;
let standIn;
let host;
let browser;
let pat;

before(async () => {
  server = await startServer({ args: ['--setup-pat-enabled'], serveDashboard: false });
  pat = await setupOwnerWithToken(server, OWNER);
  standIn = await startPocketId({
    clients: [{ client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [`${server.url}/oauth2/callback`] }],
  });
  host = await startNextHost({ api: server.url, pat });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await standIn?.close();
  await server?.cleanup();
});

/** Runs before the host's scripts: keeps every policy violation (enforced and reported)
 * and every event the elements send to the document. */
function listenToThePage() {
  window.__violations = [];
  window.__events = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__violations.push({
      disposition: event.disposition, directive: event.effectiveDirective, blocked: event.blockedURI,
      source: event.sourceFile, sample: event.sample,
    });
  }, true);
  for (const type of ['qufabric:location-change', 'qufabric:dirty-change', 'qufabric:provider-saved', 'qufabric:groups-saved']) {
    document.addEventListener(type, (event) => window.__events.push({ type, detail: event.detail }));
  }
}

/** Relative luminance (0 black … 1 white) of a CSS `rgb()` colour. */
function luminance(color) {
  const [r, g, b] = color.match(/[\d.]+/g).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** What the element looks like against the host: its text colour, its own background,
 * the host's background behind it, and whether each vendor mark drew ink of the text's
 * colour. */
async function lookOf(element) {
  return element.evaluate((node) => {
    // Any CSS colour (Tailwind's are lab()) as rgb(), through a canvas pixel.
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const pen = canvas.getContext('2d', { willReadFrequently: true });
    const rgb = (color) => {
      pen.clearRect(0, 0, 1, 1);
      pen.fillStyle = color;
      pen.fillRect(0, 0, 1, 1);
      const [r, g, b] = pen.getImageData(0, 0, 1, 1).data;
      return `rgb(${r}, ${g}, ${b})`;
    };
    const root = node.shadowRoot.querySelector('.qf-root');
    const marks = [...node.shadowRoot.querySelectorAll('.mark svg')].map((svg) => {
      const box = svg.getBBox();
      const ink = svg.querySelector('.mark-ink');
      return { drawn: box.width > 0 && box.height > 0, ink: ink ? getComputedStyle(ink).fill : null };
    });
    return {
      text: getComputedStyle(root).color,
      background: getComputedStyle(root).backgroundColor,
      hostBackground: rgb(getComputedStyle(document.body).backgroundColor),
      marks,
    };
  });
}

/** Every `href` inside the elements' shadow roots. */
async function elementLinks(page) {
  return page.evaluate(() => [...document.querySelectorAll('qufabric-identity-providers, qufabric-groups-settings')]
    .flatMap((element) => [...element.shadowRoot.querySelectorAll('a[href]')].map((a) => a.href)));
}

const settingsUrl = (tab = 'identity-providers') => `${host.url}/settings?tab=${tab}`;

test('in the Next.js host: list, add, groups; the host\'s router keeps the element\'s place through back, forward and reload; its theme and layout; no violation; nothing asked of the API but /api', async () => {
  const { page, problems, context } = await newPage(browser, { viewport: { width: 1300, height: 1000 } });
  await page.addInitScript(listenToThePage);
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  const links = new Set();
  const providers = page.locator('qufabric-identity-providers');
  const groups = page.locator('qufabric-groups-settings');
  const events = (type) => page.evaluate((t) => window.__events.filter((e) => e.type === t).map((e) => e.detail), type);
  const place = () => providers.evaluate((element) => element.location);

  await page.goto(settingsUrl());
  // Set once: still there after a move means the host's router moved, not a page load.
  await page.evaluate(() => { window.__samePage = true; });
  await providers.getByText('No identity provider yet.').waitFor();
  // chrome="none": the host's heading, no card or heading of the element's own.
  const heading = await providers.locator('h2.page-title').boundingBox();
  assert.ok(heading.width <= 1 && heading.height <= 1, `no visible heading of its own (kept for screen readers): ${JSON.stringify(heading)}`);
  assert.equal((await lookOf(providers)).background, 'rgba(0, 0, 0, 0)', 'no background of its own');
  await screenshot(page, 'next-host-empty-light');

  // The user opens the form: the host's URL follows, through Next's router.
  await providers.getByRole('link', { name: 'Add identity provider' }).first().click();
  await page.waitForURL(/[?&]at=\/new$/);
  assert.equal(await place(), '/new');
  assert.deepEqual(await events('qufabric:location-change'), [{ path: '/new', replace: false }]);
  // The invalid-redirect help opens in place (the host has no such page).
  await providers.getByText('The provider says “Invalid redirect URI”?').click();
  await providers.getByText('character for character').waitFor();

  // Unsaved edits: the host hears it, and its own navigation asks first.
  await providers.getByLabel('PocketID', { exact: true }).check();
  await providers.getByLabel('Issuer').fill(standIn.issuer);
  await page.getByRole('status').filter({ hasText: 'Unsaved changes' }).waitFor();
  assert.equal(await providers.evaluate((element) => element.hasUnsavedChanges), true);
  page.once('dialog', (dialog) => dialog.dismiss());
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Peers' }).click();
  await page.waitForTimeout(300);
  assert.match(page.url(), /[?&]at=\/new$/, 'the host stayed: the person chose to keep the edits');

  await providers.getByLabel('Client ID').fill('QuFabric');
  await providers.getByLabel('Client Secret').fill('pocket-secret');
  await providers.locator('#provider-issuer-findings').getByText('names exactly this issuer').waitFor();
  for (const href of await elementLinks(page)) links.add(href);
  await providers.getByRole('button', { name: 'Save', exact: true }).click();
  await providers.locator('#saved-confirmation').waitFor();
  const [saved] = await events('qufabric:provider-saved');
  // The save replaced the form's entry with the provider's own.
  await page.waitForURL((url) => url.searchParams.get('at') === `/${saved.id}?saved=1`);
  assert.deepEqual((await events('qufabric:location-change')).at(-1), { path: `/${saved.id}?saved=1`, replace: true });
  assert.deepEqual((await events('qufabric:dirty-change')).map((d) => d.dirty), [true, false]);
  await page.getByRole('status').filter({ hasText: 'Unsaved changes' }).waitFor({ state: 'detached' });

  // Reload: the host's URL brings the element back to the same place.
  await page.reload();
  await providers.getByLabel('Name', { exact: true }).waitFor();
  assert.equal(await providers.getByLabel('Name', { exact: true }).inputValue(), 'PocketID');
  assert.equal(await place(), `/${saved.id}?saved=1`);
  await page.evaluate(() => { window.__samePage = true; });

  // Back: the host's router gives the element the list; the element does not echo it.
  const movesBefore = (await events('qufabric:location-change')).length;
  await page.goBack();
  await page.waitForURL(settingsUrl());
  await providers.getByRole('link', { name: 'PocketID' }).waitFor();
  assert.equal(await place(), '/');
  for (const href of await elementLinks(page)) links.add(href);
  await screenshot(page, 'next-host-list-light');
  // Forward: the provider again.
  await page.goForward();
  await providers.getByLabel('Name', { exact: true }).waitFor();
  assert.equal((await events('qufabric:location-change')).length, movesBefore, 'a place set by the host is not told back');
  assert.equal(await page.evaluate(() => window.__samePage), true, 'back and forward stayed in the page');

  // The host's own route, and back to the element's place.
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Peers' }).click();
  await page.getByRole('heading', { name: 'Peers' }).waitFor();
  assert.equal(await providers.count(), 0, 'the element went with the host\'s page');
  await page.goBack();
  await providers.getByLabel('Name', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => window.__samePage), true, 'the host\'s routes are its router\'s');

  // Groups, in the host's other tab.
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Groups' }).click();
  await groups.getByRole('switch', { name: 'Enable JWT group sync' }).click();
  await groups.getByLabel('JWT claim').fill('groups');
  await groups.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'qufabric:groups-saved'));
  assert.equal((await events('qufabric:groups-saved'))[0].settings.jwt_groups_claim_name, 'groups');
  for (const href of await elementLinks(page)) links.add(href);

  // The host's theme, switched by next-themes (a class on <html>), without a theme
  // attribute: the element's text follows it, its marks are drawn in the text's colour.
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Identity Providers' }).click();
  await providers.getByRole('link', { name: 'PocketID' }).waitFor();
  const light = await lookOf(providers);
  assert.ok(luminance(light.text) < 0.2 && luminance(light.hostBackground) > 0.8, `light: ${JSON.stringify(light)}`);
  assert.ok(light.marks.length > 0 && light.marks.every((m) => m.drawn), `every mark drawn: ${JSON.stringify(light.marks)}`);
  await page.getByRole('button', { name: 'Dark mode' }).click();
  await page.waitForFunction(() => document.documentElement.classList.contains('dark'));
  const dark = await lookOf(providers);
  assert.ok(luminance(dark.text) > 0.6 && luminance(dark.hostBackground) < 0.05, `dark: ${JSON.stringify(dark)}`);
  assert.equal(dark.background, 'rgba(0, 0, 0, 0)');
  assert.ok(dark.marks.every((m) => m.drawn && (m.ink === null || m.ink === dark.text)), `marks in the text colour: ${JSON.stringify(dark.marks)}`);
  assert.equal(await providers.getAttribute('theme'), null, 'nothing written on the element');
  await screenshot(page, 'next-host-list-dark');
  assert.deepEqual(await axeViolations(page), [], 'axe on the host page, dark');

  // Every link inside the elements leads to a page the host serves, none to the API server.
  for (const href of links) {
    assert.ok(!href.startsWith(server.url), `a link to the API server: ${href}`);
    const answer = await fetch(href);
    assert.notEqual(answer.status, 404, `${href} answers 404`);
  }
  assert.ok(links.size > 0);
  // Of the API server only its API was asked for; no icon was fetched from anywhere.
  const toApi = requests.filter((url) => url.startsWith(server.url)).map((url) => new URL(url).pathname);
  assert.ok(toApi.length > 0 && toApi.every((p) => p.startsWith('/api/')), `asked of the API server: ${toApi.join(', ')}`);
  assert.deepEqual(requests.filter((url) => /\/icons\/|\.svg(\?|$)/.test(url)), [], 'no icon fetched');
  // No policy violation, enforced or report-only, from the elements or the host.
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(host.reports, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('in the Next.js host whose policy leaves the API out of connect-src, the element says which directive to change', async () => {
  const strict = await startNextHost({ api: server.url, pat, policy: { connectToApi: false } });
  try {
    const { page, context } = await newPage(browser);
    await page.goto(`${strict.url}/settings?tab=identity-providers`);
    const providers = page.locator('qufabric-identity-providers');
    await providers.getByText(`blocks requests to the management server at ${server.url} (connect-src)`).waitFor();
    await providers.getByText(`Add ${server.url} to connect-src`).waitFor();
    await screenshot(page, 'next-host-policy-blocks-api');
    await context.close();
  } finally {
    await strict.close();
  }
});
