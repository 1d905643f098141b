import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { totpCode } from '../../src/core/accounts/totp.js';
import { startTestServer, type TestServer } from '../kit/server.js';
import { capture, launchPhoneBrowser } from './browser.js';

const EMAIL = 'alice@example.net';
const PASSWORD = 'a long enough passphrase';

let server: TestServer;
let browser: Awaited<ReturnType<typeof launchPhoneBrowser>>;
let base: string;

beforeAll(async () => {
  server = await startTestServer({ listeners: ['https'], config: { 'web.signup': 'open' } });
  base = `https://127.0.0.1:${server.ports.https}`;
  browser = await launchPhoneBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function passwordStep(page: Page): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', EMAIL);
  await page.fill('input[name=password]', PASSWORD);
  await submit(page, 'button[type=submit]:has-text("Log in")');
}

/** Clicks a form's button and waits for the page the form leads to. */
async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(button)]);
}

async function logOut(page: Page): Promise<void> {
  await submit(page, 'header button:has-text("Log out")');
  await page.waitForURL(`${base}/login`);
}

test('sign up, enrol TOTP, log in with TOTP and recovery codes, add a domain and an alias', { timeout: 240_000 }, async () => {
  const page = await browser.context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  const overflow: Record<string, number> = {};
  const shoot = async (name: string) => {
    overflow[name] = await capture(page, name);
  };

  await page.goto(`${base}/signup`);
  await shoot('signup');
  await page.fill('input[name=email]', EMAIL);
  await page.fill('input[name=password]', PASSWORD);
  await submit(page, 'button:has-text("Create account")');
  expect(await page.locator('.notice.ok').textContent()).toContain('your account is ready');

  await passwordStep(page);
  await page.waitForURL(`${base}/domains`);

  // Enrol TOTP: the test is the authenticator app, computing codes from the secret on the page.
  await page.goto(`${base}/security`);
  await page.click('a:has-text("Set up two-factor")');
  await page.waitForURL(`${base}/security/totp`);
  expect(await page.locator('.qr svg').isVisible()).toBe(true);
  await shoot('totp-enrol');
  const secret = (await page.textContent('#totp-secret'))!.trim();
  const enrolledAt = Date.now();
  await page.fill('input[name=code]', totpCode(secret, enrolledAt));
  await submit(page, 'button:has-text("Turn on")');
  const codes = await page.locator('#recovery-codes li').allTextContents();
  expect(codes).toHaveLength(10);
  await shoot('recovery-codes');
  await logOut(page);

  // Password + TOTP (the next time step: the enrolment used this one).
  await passwordStep(page);
  await page.waitForURL(`${base}/login/mfa`);
  await shoot('login-mfa');
  await page.fill('input[name=code]', totpCode(secret, enrolledAt + 30_000));
  await submit(page, 'button:has-text("Continue")');
  await page.waitForURL(`${base}/domains`);
  await logOut(page);

  // Password + a recovery code, which then cannot be used again.
  await passwordStep(page);
  await page.fill('input[name=code]', codes[0]!);
  await submit(page, 'button:has-text("Continue")');
  await page.waitForURL(`${base}/domains`);
  await logOut(page);
  await passwordStep(page);
  await page.fill('input[name=code]', codes[0]!);
  await submit(page, 'button:has-text("Continue")');
  expect(await page.locator('.notice.error').textContent()).toContain('that code is not valid');
  expect(page.url()).toBe(`${base}/login/mfa`);
  await page.fill('input[name=code]', codes[1]!.toUpperCase());
  await submit(page, 'button:has-text("Continue")');
  await page.waitForURL(`${base}/domains`);

  // A domain, its DNS records, an alias.
  await page.fill('input[name=name]', 'e2e.example');
  await submit(page, 'button:has-text("Add domain")');
  await page.waitForURL(`${base}/domains/e2e.example`);
  const records = await page.locator('table.dns-records').textContent();
  expect(records).toContain('10 localhost.');
  expect(records).toContain('_sealmail.e2e.example');
  expect(records).toContain('v=spf1 mx -all');
  await page.fill('input[name=local]', 'hello');
  await page.fill('input[name=forwards]', 'me@elsewhere.example');
  await submit(page, 'button:has-text("Add alias")');
  expect(await page.locator('table.aliases').textContent()).toContain('hello@e2e.example');
  expect(await page.locator('table.aliases').textContent()).toContain('me@elsewhere.example');
  await shoot('domain');
  await page.goto(`${base}/domains`);
  expect(await page.locator('main').textContent()).toContain('e2e.example');
  await shoot('domains');

  await page.goto(`${base}/security`);
  expect(await page.locator('main').textContent()).toContain('8 recovery codes left');
  expect(await page.locator('main').textContent()).toContain('mfa.enabled');
  await shoot('security');
  await page.goto(`${base}/tokens`);
  await shoot('tokens');
  await page.goto(`${base}/admin`);
  expect(await page.locator('main').textContent()).toContain(EMAIL);
  await shoot('admin');

  // Log out everywhere ends this session too.
  await page.goto(`${base}/security`);
  await submit(page, 'button:has-text("Log out everywhere")');
  await page.waitForURL(`${base}/login`);
  await shoot('login');
  await page.goto(`${base}/domains`);
  await page.waitForURL(`${base}/login`);

  expect(cspViolations).toEqual([]);
  // Every page fits a 390 px wide phone screen: nothing scrolls sideways.
  for (const [name, extra] of Object.entries(overflow)) expect(extra, `${name} overflows`).toBeLessThanOrEqual(0);
});
