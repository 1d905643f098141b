import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { totpCode } from '../../src/core/accounts/totp.js';
import { API_OPERATIONS } from '../../src/web/api/openapi.js';
import { httpsRequest } from '../kit/https.js';
import { startTestServer, type TestServer } from '../kit/server.js';
import { addDomain, enrolTotp, PASSWORD, signUpAndLogIn } from './accounts-helpers.js';
import { WebClient } from './web-client.js';

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer({ listeners: ['https'], config: { 'web.signup': 'open' } });
  base = `https://127.0.0.1:${server.ports.https}`;
});
afterAll(() => server?.close());

const concrete = (path: string) => path.replace('{domain}', 'a.example').replace('{address}', 'x@a.example').replace('{id}', 'abc');

describe('API authentication', () => {
  test('every documented route refuses a caller without session or token', async () => {
    expect(API_OPERATIONS.length).toBeGreaterThan(15);
    for (const [method, path] of API_OPERATIONS) {
      const url = base + concrete(path);
      const writes = method === 'post' || method === 'patch';
      const anonymous = await httpsRequest(url, {
        method: method.toUpperCase(),
        headers: writes ? { 'content-type': 'application/json' } : {},
        body: writes ? '{}' : undefined,
      });
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      const forged = await httpsRequest(url, {
        method: method.toUpperCase(),
        headers: { authorization: 'Bearer smt_AAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' },
      });
      expect(forged.status, `${method} ${path} with a forged token`).toBe(401);
      const stolenCookie = await httpsRequest(url, { method: method.toUpperCase(), headers: { cookie: '__Host-sealmail=guessed-session-id' } });
      expect(stolenCookie.status, `${method} ${path} with an unknown session`).toBe(401);
    }
  });

  test('the passkey endpoints refuse callers without a (pending) session and its CSRF token', async () => {
    for (const path of ['/security/passkeys/options', '/security/passkeys', '/login/passkey/options', '/login/passkey']) {
      const response = await httpsRequest(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status, path).toBe(401);
    }
    const client = await signUpAndLogIn(base, 'passkey-api@example.net');
    await enrolTotp(client);
    const pending = new WebClient(base);
    await pending.request('POST', '/login', { form: { email: 'passkey-api@example.net', password: PASSWORD } });
    const noCsrf = await pending.request('POST', '/login/passkey/options', { json: {} });
    expect(noCsrf.status).toBe(401);
    // Before the second factor, the account's own passkey registration is out of reach too.
    expect((await pending.request('POST', '/security/passkeys/options', { json: {} })).status).toBe(401);
  });

  test('the OpenAPI description is served and lists every route', async () => {
    const doc = (await httpsRequest(`${base}/api/openapi.json`)).json<{ openapi: string; paths: Record<string, object> }>();
    expect(doc.openapi).toBe('3.1.0');
    for (const [method, path] of API_OPERATIONS) expect(doc.paths[path]).toHaveProperty(method);
  });

  test('a session that still owes its second factor cannot use the API', async () => {
    const client = await signUpAndLogIn(base, 'pending@example.net');
    await enrolTotp(client);
    const fresh = new WebClient(base);
    const login = await fresh.request('POST', '/login', { form: { email: 'pending@example.net', password: PASSWORD } });
    expect(login.headers.location).toBe('/login/mfa');
    expect((await fresh.get('/api/v1/me')).status).toBe(401);
    expect((await fresh.get('/domains')).headers.location).toBe('/login/mfa');
  });

  test('session writes need the CSRF header, and cross-site requests are refused', async () => {
    const client = await signUpAndLogIn(base, 'csrf@example.net');
    const noHeader = await client.request('POST', '/api/v1/domains', { json: { name: 'csrf.example' } });
    expect(noHeader.status).toBe(403);
    const csrf = await client.csrf();
    const foreign = await client.request('POST', '/api/v1/domains', {
      json: { name: 'csrf.example' },
      headers: { 'x-csrf-token': csrf, origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const formWithoutToken = await client.request('POST', '/domains', { form: { name: 'csrf.example' } });
    expect(formWithoutToken.status).toBe(403);
    expect((await client.get('/api/v1/domains')).json<{ domains: unknown[] }>().domains).toEqual([]);
  });
});

describe('API tokens', () => {
  test('a token scoped to one domain cannot touch another, cannot add domains or mint tokens, and stops working when revoked', async () => {
    const owner = await signUpAndLogIn(base, 'owner@example.net');
    await addDomain(owner, 'scoped.example');
    await addDomain(owner, 'other.example');
    const csrf = await owner.csrf();
    const created = await owner.request('POST', '/api/v1/tokens', {
      json: { name: 'script', domains: ['scoped.example'] },
      headers: { 'x-csrf-token': csrf },
    });
    expect(created.status).toBe(201);
    const { token, info } = created.json<{ token: string; info: { id: string; domains: string[] } }>();
    expect(info.domains).toEqual(['scoped.example']);
    const api = (method: string, path: string, json?: unknown) =>
      httpsRequest(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
        body: json ? JSON.stringify(json) : undefined,
      });

    const list = (await api('GET', '/api/v1/domains')).json<{ domains: Array<{ name: string }> }>();
    expect(list.domains.map((d) => d.name)).toEqual(['scoped.example']);
    expect((await api('POST', '/api/v1/domains/scoped.example/aliases', { local: 'hello', forwards: ['me@elsewhere.example'] })).status).toBe(201);
    expect((await api('GET', '/api/v1/domains/scoped.example/dns')).status).toBe(200);

    expect((await api('GET', '/api/v1/domains/other.example')).status).toBe(404);
    expect((await api('GET', '/api/v1/domains/other.example/dns')).status).toBe(404);
    expect((await api('GET', '/api/v1/domains/other.example/aliases')).status).toBe(404);
    expect((await api('POST', '/api/v1/domains/other.example/aliases', { local: 'x', forwards: ['me@elsewhere.example'] })).status).toBe(404);
    expect((await api('POST', '/api/v1/domains/other.example/verify')).status).toBe(404);
    expect((await api('DELETE', '/api/v1/domains/other.example')).status).toBe(404);
    expect((await api('POST', '/api/v1/domains', { name: 'new.example' })).status).toBe(403);
    expect((await api('GET', '/api/v1/tokens')).status).toBe(403);
    expect((await api('POST', '/api/v1/tokens', { name: 'x', domains: ['other.example'] })).status).toBe(403);

    // The session owner adds an alias on the other domain; the token can neither read nor delete it.
    const aliasOnOther = await owner.request('POST', '/api/v1/domains/other.example/aliases', {
      json: { local: 'secret', forwards: ['me@elsewhere.example'] },
      headers: { 'x-csrf-token': csrf },
    });
    expect(aliasOnOther.status).toBe(201);
    expect((await api('GET', '/api/v1/aliases/secret@other.example')).status).toBe(404);
    expect((await api('PATCH', '/api/v1/aliases/secret@other.example', { enabled: false })).status).toBe(404);
    expect((await api('DELETE', '/api/v1/aliases/secret@other.example')).status).toBe(404);
    expect((await api('GET', '/api/v1/aliases/hello@scoped.example')).status).toBe(200);
    const audit = (await api('GET', '/api/v1/audit')).json<{ events: Array<{ subject: string }> }>();
    expect(audit.events.some((e) => e.subject.endsWith('other.example'))).toBe(false);

    // Another account's session cannot see the owner's domains either.
    const stranger = await signUpAndLogIn(base, 'stranger@example.net');
    expect((await stranger.get('/api/v1/domains/scoped.example')).status).toBe(404);
    expect((await stranger.get('/domains/scoped.example')).status).toBe(404);

    const revoked = await owner.request('DELETE', `/api/v1/tokens/${info.id}`, { headers: { 'x-csrf-token': csrf } });
    expect(revoked.status).toBe(204);
    expect((await api('GET', '/api/v1/domains')).status).toBe(401);
  });
});

describe('second factor', () => {
  test('a TOTP code is accepted once: replaying it is refused', async () => {
    const email = 'replay@example.net';
    const enrolled = await signUpAndLogIn(base, email);
    const start = Date.now();
    const { secret } = await enrolTotp(enrolled, start);
    // The enrolment used this time step; the next step's code is inside the drift window.
    const code = totpCode(secret, start + 30_000);

    const first = new WebClient(base);
    await first.request('POST', '/login', { form: { email, password: PASSWORD } });
    const accepted = await first.submit('/login/mfa', '/login/mfa', { code });
    expect(accepted.status).toBe(303);
    expect((await first.get('/api/v1/me')).status).toBe(200);

    const replay = new WebClient(base);
    await replay.request('POST', '/login', { form: { email, password: PASSWORD } });
    const refused = await replay.submit('/login/mfa', '/login/mfa', { code });
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('that code is not valid');
    expect((await replay.get('/api/v1/me')).status).toBe(401);

    const enrolCode = totpCode(secret, start);
    const older = await replay.submit('/login/mfa', '/login/mfa', { code: enrolCode });
    expect(older.status).toBe(401);
  });

  test('disabling MFA needs a fresh second factor', async () => {
    const client = await signUpAndLogIn(base, 'disable@example.net');
    const { codes } = await enrolTotp(client);
    const withoutCode = await client.submit('/security', '/security/mfa/disable', { code: '000000' });
    expect(withoutCode.status).toBe(401);
    expect((await client.get('/api/v1/me')).json<{ mfa: { totp: boolean } }>().mfa.totp).toBe(true);
    const withRecovery = await client.submit('/security', '/security/mfa/disable', { code: codes[0]! });
    expect(withRecovery.status).toBe(200);
    expect((await client.get('/api/v1/me')).json<{ mfa: { totp: boolean } }>().mfa.totp).toBe(false);
  });
});

describe('no enumeration', () => {
  test('unknown accounts and wrong passwords get the same answer; so does signing up with a taken address', async () => {
    await signUpAndLogIn(base, 'known@example.net');
    const wrong = await new WebClient(base).request('POST', '/login', { form: { email: 'known@example.net', password: 'not the password' } });
    const unknown = await new WebClient(base).request('POST', '/login', { form: { email: 'nobody@example.net', password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.text).toBe(wrong.text);
    const taken = await new WebClient(base).request('POST', '/signup', { form: { email: 'known@example.net', password: 'another password 1' } });
    const free = await new WebClient(base).request('POST', '/signup', { form: { email: 'free@example.net', password: 'another password 1' } });
    expect(taken.status).toBe(free.status);
    expect(taken.text).toBe(free.text);
  });

  test('logs never carry a password or a TOTP secret', async () => {
    const client = await signUpAndLogIn(base, 'logs@example.net');
    const { secret } = await enrolTotp(client);
    const logs = server.logs();
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain(secret);
  });
});
