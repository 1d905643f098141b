import { totpCode } from '../../src/core/accounts/totp.js';
import { WebClient } from './web-client.js';

export const PASSWORD = 'correct horse battery staple';

export async function signUpAndLogIn(base: string, email: string): Promise<WebClient> {
  const client = new WebClient(base);
  const signup = await client.request('POST', '/signup', { form: { email, password: PASSWORD } });
  if (signup.status !== 200) throw new Error(`sign-up failed: ${signup.status} ${signup.text}`);
  const login = await client.request('POST', '/login', { form: { email, password: PASSWORD } });
  if (login.status !== 303) throw new Error(`login failed: ${login.status}`);
  return client;
}

/** Enrols TOTP through the web form; returns the secret and the recovery codes shown. */
export async function enrolTotp(client: WebClient, now = Date.now()): Promise<{ secret: string; codes: string[] }> {
  const page = await client.get('/security/totp');
  const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page.text)?.[1];
  if (!secret) throw new Error('no TOTP secret on the enrolment page');
  const done = await client.submit('/security/totp', '/security/totp', { code: totpCode(secret, now) });
  const codes = [...done.text.matchAll(/<li>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})<\/li>/g)].map((m) => m[1]!);
  if (codes.length !== 10) throw new Error(`expected 10 recovery codes, page said ${done.status}`);
  return { secret, codes };
}

export async function addDomain(client: WebClient, name: string): Promise<void> {
  const csrf = await client.csrf();
  const response = await client.request('POST', '/api/v1/domains', { json: { name }, headers: { 'x-csrf-token': csrf } });
  if (response.status !== 201) throw new Error(`adding ${name} failed: ${response.status} ${response.text}`);
}
