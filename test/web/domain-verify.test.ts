import { afterAll, beforeAll, expect, test } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../kit/dns-server.js';
import { startTestServer, type TestServer } from '../kit/server.js';
import { addDomain, signUpAndLogIn } from './accounts-helpers.js';

let dns: TestDnsServer;
let server: TestServer;

beforeAll(async () => {
  dns = await startDnsServer();
  server = await startTestServer({ listeners: ['https'], config: { 'web.signup': 'open', 'dns.servers': [dns.server] } });
});
afterAll(async () => {
  await server?.close();
  await dns?.close();
});

test('a domain is verified only once _sealmail.<domain> carries its token, looked up through our resolver', async () => {
  const client = await signUpAndLogIn(`https://127.0.0.1:${server.ports.https}`, 'dns@example.net');
  await addDomain(client, 'verify.example');
  const csrf = await client.csrf();
  const domain = (await client.get('/api/v1/domains/verify.example')).json<{ verificationToken: string; verified: boolean }>();
  expect(domain.verified).toBe(false);
  const records = (await client.get('/api/v1/domains/verify.example/dns')).json<{ records: Array<{ name: string; value: string }> }>();
  expect(records.records).toContainEqual(expect.objectContaining({ name: '_sealmail.verify.example', value: domain.verificationToken }));

  const verify = () => client.request('POST', '/api/v1/domains/verify.example/verify', { headers: { 'x-csrf-token': csrf } });
  const missing = await verify();
  expect(missing.status).toBe(400);
  expect(missing.json().error).toContain('_sealmail.verify.example');

  dns.txt('_sealmail.verify.example', 'sealmail-verify=someone-elses-token');
  expect((await verify()).status).toBe(400);

  dns.txt('_sealmail.verify.example', domain.verificationToken);
  const ok = await verify();
  expect(ok.status).toBe(200);
  expect(ok.json().verified).toBe(true);
  expect((await client.get('/api/v1/domains/verify.example')).json().verified).toBe(true);
});
