import { generateKey } from 'openpgp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../kit/server.js';
import { addDomain, signUpAndLogIn } from './accounts-helpers.js';

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer({ listeners: ['https'], config: { 'web.signup': 'open' } });
  base = `https://127.0.0.1:${server.ports.https}`;
});
afterAll(() => server?.close());

test('an alias with a mailbox, an app password and an OpenPGP key, through the API', async () => {
  const client = await signUpAndLogIn(base, 'boxes@example.net');
  await addDomain(client, 'boxes.example');
  const headers = { 'x-csrf-token': await client.csrf() };
  const mailboxes = server.server.context.mailboxes;

  const created = await client.request('POST', '/api/v1/domains/boxes.example/aliases', { json: { local: 'me', mailbox: true }, headers });
  expect(created.status).toBe(201);
  const { password } = created.json<{ password: string }>();
  expect(password.length).toBeGreaterThanOrEqual(20);
  const session = await mailboxes.unlock('me@boxes.example', password);
  expect(session).toBeDefined();
  await session?.close();

  const app = await client.request('POST', '/api/v1/aliases/me@boxes.example/app-passwords', {
    json: { currentPassword: password, label: 'phone' },
    headers,
  });
  expect(app.status).toBe(201);
  const appSession = await mailboxes.unlock('me@boxes.example', app.json<{ password: string }>().password);
  expect(appSession).toBeDefined();
  await appSession?.close();
  const wrong = await client.request('POST', '/api/v1/aliases/me@boxes.example/app-passwords', { json: { currentPassword: 'not it at all' }, headers });
  expect(wrong.status).toBe(403);
  expect(wrong.json().error).toBe('wrong password or no such mailbox');

  const { publicKey } = await generateKey({ userIDs: [{ email: 'me@boxes.example' }], format: 'armored' });
  const pgp = await client.request('PUT', '/api/v1/aliases/me@boxes.example/pgp', { json: { key: publicKey }, headers });
  expect(pgp.status).toBe(200);
  expect(pgp.json<{ pgp: { fingerprint: string } }>().pgp.fingerprint).toMatch(/^[0-9a-f]{40,64}$/i);
  expect((await server.server.context.control.aliasKeys.get('me@boxes.example'))?.pgpPublicKey).toBeDefined();
  const bad = await client.request('PUT', '/api/v1/aliases/me@boxes.example/pgp', { json: { key: 'not a key' }, headers });
  expect(bad.status).toBe(400);
  const badCert = await client.request('PUT', '/api/v1/aliases/me@boxes.example/smime', { json: { certificate: 'nope' }, headers });
  expect(badCert.status).toBe(400);

  // Removing the alias crypto-shreds its mailbox.
  expect((await client.request('DELETE', '/api/v1/aliases/me@boxes.example', { headers })).status).toBe(204);
  expect(await mailboxes.exists('me@boxes.example')).toBe(false);
});
