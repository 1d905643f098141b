import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { totpCode } from '../../src/core/accounts/totp.js';
import { startTestServer, type TestServer } from '../kit/server.js';
import { capture, launchPhoneBrowser } from './browser.js';

const EMAIL = 'passkey@example.net';
const PASSWORD = 'a long enough passphrase';

let server: TestServer;
let browser: Awaited<ReturnType<typeof launchPhoneBrowser>>;
let base: string;

beforeAll(async () => {
  server = await startTestServer({ listeners: ['https'], config: { 'web.signup': 'open' } });
  // WebAuthn needs a host name as relying party, not an IP: the server's hostname is "localhost".
  base = `https://localhost:${server.ports.https}`;
  browser = await launchPhoneBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(button)]);
}

test('a passkey is added beside TOTP and then works as the second login step', { timeout: 180_000 }, async () => {
  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });

  await page.goto(`${base}/signup`);
  await page.fill('input[name=email]', EMAIL);
  await page.fill('input[name=password]', PASSWORD);
  await submit(page, 'button:has-text("Create account")');
  const logIn = async () => {
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', EMAIL);
    await page.fill('input[name=password]', PASSWORD);
    await submit(page, 'button[type=submit]:has-text("Log in")');
  };
  await logIn();
  await page.goto(`${base}/security/totp`);
  const secret = (await page.textContent('#totp-secret'))!.trim();
  await page.fill('input[name=code]', totpCode(secret));
  await submit(page, 'button:has-text("Turn on")');

  await page.goto(`${base}/security`);
  await Promise.all([page.waitForURL(`${base}/security`, { waitUntil: 'load' }), page.click('#add-passkey')]);
  // A locator wait, not waitForFunction: our CSP (rightly) forbids the eval that would need.
  await page.locator('text=1 passkeys').waitFor({ timeout: 30_000 });
  await submit(page, 'header button:has-text("Log out")');

  await logIn();
  expect(page.url()).toBe(`${base}/login/mfa`);
  await capture(page, 'login-passkey');
  await Promise.all([page.waitForURL(`${base}/domains`), page.click('#use-passkey')]);
  expect(await page.locator('h1').textContent()).toBe('Domains');

  await page.goto(`${base}/security`);
  expect(await page.locator('main').textContent()).toContain('passkey');
  const logins = await page.locator('main').textContent();
  expect(logins).toMatch(/passkey\s*ok/);
});
