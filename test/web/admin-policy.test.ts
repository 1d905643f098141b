import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../kit/server.js';
import { enrolTotp, PASSWORD, signUpAndLogIn } from './accounts-helpers.js';
import { WebClient } from './web-client.js';

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer({ listeners: ['https'], config: { 'web.signup': 'invite' } });
  base = `https://127.0.0.1:${server.ports.https}`;
});
afterAll(() => server?.close());

test('invite-only sign-up, admin-required MFA, cookie flags and security headers', async () => {
  // The first account may always sign up and becomes admin.
  const admin = await signUpAndLogIn(base, 'admin@example.net');
  const me = (await admin.get('/api/v1/me')).json<{ role: string }>();
  expect(me.role).toBe('admin');

  const refused = await new WebClient(base).request('POST', '/signup', { form: { email: 'bob@example.net', password: PASSWORD } });
  expect(refused.status).toBe(400);
  expect(refused.text).toContain('sign-up needs a valid invitation');

  const invitePage = await admin.submit('/admin', '/admin/invites', {});
  const invite = /id="invite-code">([^<]+)</.exec(invitePage.text)?.[1];
  expect(invite).toBeDefined();
  const bob = new WebClient(base);
  expect((await bob.request('POST', '/signup', { form: { email: 'bob@example.net', password: PASSWORD, invite: invite! } })).status).toBe(200);
  const reused = await new WebClient(base).request('POST', '/signup', { form: { email: 'carol@example.net', password: PASSWORD, invite: invite! } });
  expect(reused.status).toBe(400);

  const login = await bob.request('POST', '/login', { form: { email: 'bob@example.net', password: PASSWORD } });
  const cookie = [login.headers['set-cookie'] ?? []].flat()[0] ?? '';
  expect(cookie).toMatch(/^__Host-sealmail=/);
  expect(cookie).toMatch(/; Secure/);
  expect(cookie).toMatch(/; HttpOnly/);
  expect(cookie).toMatch(/; SameSite=Strict/);
  expect((await bob.get('/api/v1/me')).status).toBe(200);
  expect((await bob.get('/admin')).status).toBe(403);

  // The admin requires MFA for everyone: Bob can do nothing but enrol.
  await admin.submit('/admin', '/admin/require-mfa', { value: 'true' });
  const blocked = await bob.get('/api/v1/domains');
  expect(blocked.status).toBe(403);
  expect(blocked.json().error).toBe('enrol a second factor first');
  expect((await bob.get('/domains')).headers.location).toBe('/security/totp');
  const { secret } = await enrolTotp(bob);
  expect((await bob.get('/api/v1/domains')).status).toBe(200);

  const page = await bob.get('/security');
  const csp = String(page.headers['content-security-policy']);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  expect(page.headers['x-content-type-options']).toBe('nosniff');
  expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(csp).toContain("script-src 'self'");
  // The only script is the same-origin passkey helper; nothing inline.
  expect(page.text.match(/<script[^>]*>/gi)).toEqual(['<script src="/static/passkey.js">']);

  // Neither the password nor the TOTP secret is readable anywhere in the data directory.
  for (const file of walk(server.dataDir)) {
    const bytes = readFileSync(file);
    expect(bytes.includes(PASSWORD), file).toBe(false);
    expect(bytes.includes(secret), file).toBe(false);
  }
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
