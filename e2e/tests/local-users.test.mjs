// Settings → Users, people with email and password: the owner invites someone, the link
// (shown once) opens the public invite page, the password keeps the one rule, and the
// invitee signs in with their email filled in; a used or expired link gets its page; a
// user added with a generated password signs in with it, and is deleted.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwner, signInWithEmail, ownerApi,
} from '../harness.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Olivia Owner' };
let server;
let browser;

before(async () => {
  server = await startServer();
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

async function ownerOnUsers() {
  const opened = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await signInWithEmail(opened.page, server, OWNER);
  await opened.page.goto(`${server.url}/settings/users`);
  await opened.page.getByRole('heading', { name: 'People with email and password' }).waitFor();
  return opened;
}

test('an invite link sets a password with the one rule, and the invitee signs in with their email filled in', async () => {
  const api = await ownerApi(browser, server, OWNER);
  const engineers = await api('POST', '/api/groups', { name: 'Engineers' });
  const owner = await ownerOnUsers();
  await owner.page.getByRole('button', { name: 'Invite user' }).click();
  const form = owner.page.getByRole('form', { name: 'Invite someone' });
  await form.getByLabel('Email').fill('ivy@example.com');
  await form.getByLabel('Name').fill('Ivy');
  await form.getByLabel('Role').selectOption('admin');
  await form.getByLabel('Link valid for').selectOption({ label: '7 days' });
  await form.getByRole('group', { name: 'Groups for their devices' }).getByLabel('Engineers').check();
  await form.getByRole('button', { name: 'Create invite link' }).click();
  const link = await owner.page.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue();
  assert.match(link, new RegExp(`^${server.url}/invite\\?token=nbi_`));
  const invites = owner.page.getByRole('table', { name: 'Invites not yet accepted' });
  await invites.getByRole('row', { name: /ivy@example\.com/ }).getByRole('cell', { name: 'admin' }).waitFor();
  await screenshot(owner.page, 'users-invite');
  assert.deepEqual(await axeViolations(owner.page), [], 'axe on Users with an invite');

  const ivy = await newPage(browser);
  await ivy.page.goto(link);
  await ivy.page.getByText('Olivia Owner invited Ivy (ivy@example.com) to QuFabric.').waitFor();
  const password = ivy.page.getByLabel(/^Password/);
  await password.fill('ivy password');
  await ivy.page.getByText('The password needs an upper-case letter and a digit.').waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  await password.fill("Ivy's pass 1");
  await ivy.page.getByLabel('Repeat the password').fill("Ivy's pass 1");
  await screenshot(ivy.page, 'invite');
  assert.deepEqual(await axeViolations(ivy.page), [], 'axe on the invite page');
  await ivy.page.getByRole('button', { name: 'Set password and sign in' }).click();
  await ivy.page.waitForURL(/\/oauth2\/auth/);
  assert.equal(await ivy.page.getByLabel('Email').inputValue(), 'ivy@example.com');
  await ivy.page.getByLabel('Password').fill("Ivy's pass 1");
  await ivy.page.getByRole('button', { name: 'Sign in' }).click();
  await ivy.page.waitForURL(/\/settings\//);
  await ivy.page.getByRole('heading', { name: 'Identity Providers' }).waitFor();

  // The link worked once.
  await ivy.page.goto(link);
  await ivy.page.getByText('This invite link does not work.').waitFor();
  await ivy.context.close();

  // Accepted: gone from the invites, there among the users.
  await owner.page.reload();
  await owner.page.getByRole('row', { name: /ivy@example\.com/ }).getByRole('cell', { name: 'Email and password' }).waitFor();
  assert.equal(await owner.page.getByRole('table', { name: 'Invites not yet accepted' }).count(), 0);
  const ivyUser = (await api('GET', '/api/users')).find((u) => u.email === 'ivy@example.com');
  assert.deepEqual([ivyUser.role, ivyUser.auto_groups], ['admin', [engineers.id]]);
  assert.deepEqual(owner.problems, []);
  await owner.context.close();
});

test('an expired invite gets a page that says so, and Regenerate makes a link that works', async () => {
  const api = await ownerApi(browser, server, OWNER);
  const invite = await api('POST', '/api/users/invites', {
    email: 'late@example.com', name: 'Lately', role: 'user', auto_groups: [], expires_in: 1,
  });
  const link = `${server.url}/invite?token=${encodeURIComponent(invite.invite_token)}`;
  await new Promise((resolve) => { setTimeout(resolve, 1500); });
  const late = await newPage(browser);
  await late.page.goto(link);
  await late.page.getByText('This invite has expired.').waitFor();
  await late.page.getByText('Ask Olivia Owner for a new one').waitFor();
  await screenshot(late.page, 'invite-expired');
  assert.deepEqual(await axeViolations(late.page), [], 'axe on the expired invite page');

  const owner = await ownerOnUsers();
  const row = owner.page.getByRole('row', { name: /late@example\.com/ });
  await row.getByRole('cell', { name: 'Expired' }).waitFor();
  await row.getByRole('button', { name: 'Regenerate the link of late@example.com' }).click();
  const renewed = await owner.page.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue();
  assert.notEqual(renewed, link);
  await late.page.goto(renewed);
  await late.page.getByText('Olivia Owner invited Lately (late@example.com)').waitFor();
  await owner.page.getByRole('button', { name: 'Delete the invite of late@example.com' }).click();
  await owner.page.locator('[role="status"]').getByText('Deleted the invite of late@example.com').waitFor();
  await late.page.reload();
  await late.page.getByText('This invite link does not work.').waitFor();
  await late.context.close();
  await owner.context.close();
});

test('a user added by the owner signs in with the password shown once, and is deleted', async () => {
  const owner = await ownerOnUsers();
  await owner.page.getByRole('button', { name: 'Add user' }).click();
  const form = owner.page.getByRole('form', { name: 'Add someone with a generated password' });
  await form.getByLabel('Email').fill('ann@example.com');
  await form.getByLabel('Name').fill('Ann');
  await form.getByRole('button', { name: 'Add user' }).click();
  const password = await owner.page.getByRole('textbox', { name: 'Password', exact: true }).inputValue();
  assert.ok(password.length >= 8, password);
  await owner.page.getByRole('row', { name: /ann@example\.com/ }).waitFor();

  const ann = await newPage(browser);
  await signInWithEmail(ann.page, server, { email: 'ann@example.com', password });
  await ann.page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await ann.context.close();

  await owner.page.getByRole('button', { name: 'Delete ann@example.com' }).click();
  const dialog = owner.page.getByRole('alertdialog');
  await dialog.getByText('They are signed out everywhere and removed').waitFor();
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await owner.page.locator('[role="status"]').getByText('Deleted ann@example.com').waitFor();
  assert.equal(await owner.page.getByRole('row', { name: /ann@example\.com/ }).count(), 0);
  // The owner's own row offers no Delete.
  assert.equal(await owner.page.getByRole('button', { name: 'Delete owner@example.com' }).count(), 0);
  await owner.context.close();

  const again = await newPage(browser);
  await again.page.goto(`${server.url}/login`);
  await again.page.getByRole('button', { name: 'Continue with email' }).click();
  await again.page.getByLabel('Email').fill('ann@example.com');
  await again.page.getByLabel('Password').fill(password);
  await again.page.getByRole('button', { name: 'Sign in' }).click();
  await again.page.getByText('Wrong email or password.').waitFor();
  await again.context.close();
});
