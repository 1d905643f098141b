import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RelyingParty } from '../../core/accounts/passkeys.js';
import { safeEqual } from '../../core/accounts/secrets.js';
import { UsageError } from '../../core/errors.js';
import { apiGuard } from '../auth/guards.js';
import { startSession } from '../auth/login-session.js';
import { sessionOf } from '../auth/principal.js';
import type { WebDeps } from '../deps.js';

/** JSON endpoints behind /static/passkey.js: add a passkey, and use one as the second login step. */
export function registerPasskeyRoutes(app: FastifyInstance, deps: WebDeps): void {
  const signedIn = apiGuard(deps, { sessionOnly: true });
  const { passkeys, auth } = deps;

  // WebAuthn binds credentials to our host name; a request for any other Host gets no ceremony.
  const relyingParty = (request: FastifyRequest): RelyingParty => {
    const host = request.headers.host ?? '';
    if (host.replace(/:\d+$/, '') !== deps.context.config.hostname) throw new UsageError('passkeys work only on the configured host name');
    return { id: deps.context.config.hostname, origin: `https://${host}` };
  };

  app.post('/security/passkeys/options', { onRequest: signedIn }, async (request) => {
    const { user, session } = sessionOf(request)!;
    return passkeys.registrationOptions(user, session.idHash, relyingParty(request));
  });
  app.post('/security/passkeys', { onRequest: signedIn }, async (request, reply) => {
    const { user, session } = sessionOf(request)!;
    await passkeys.register(user, session.idHash, request.body as RegistrationResponseJSON, relyingParty(request));
    return reply.status(204).send();
  });

  /** The half-signed-in session (password done, second factor owed), with its CSRF header. */
  const pending = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = sessionOf(request);
    const csrf = request.headers['x-csrf-token'];
    if (!session || session.session.mfaDone || typeof csrf !== 'string' || !safeEqual(csrf, session.session.csrf)) {
      return reply.status(401).send({ error: 'log in with your password first' });
    }
  };
  app.post('/login/passkey/options', { onRequest: pending }, async (request) => {
    const { user, session } = sessionOf(request)!;
    return passkeys.authenticationOptions(user, session.idHash, relyingParty(request));
  });
  app.post('/login/passkey', { onRequest: pending }, async (request, reply) => {
    const { user, session } = sessionOf(request)!;
    try {
      await passkeys.authenticate(user, session.idHash, request.body as AuthenticationResponseJSON, relyingParty(request));
    } catch (error) {
      await auth.recordLogin(user.id, request.ip, 'passkey', false);
      throw error;
    }
    await auth.recordLogin(user.id, request.ip, 'passkey', true);
    await startSession(deps, request, reply, user.id, true);
    return { redirect: '/domains' };
  });
}

/** The UI's only script: WebAuthn needs the browser's credential API. */
export const PASSKEY_SCRIPT = `'use strict';
async function post(url, csrf, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body || {}) });
  const data = res.status === 204 ? {} : await res.json();
  if (!res.ok) throw new Error(data.error || 'request failed');
  return data;
}
function wire(id, run) {
  const button = document.getElementById(id);
  if (!button) return;
  const status = document.getElementById('passkey-status');
  button.addEventListener('click', async () => {
    status.textContent = 'Waiting for your passkey…';
    try { await run(button.dataset.csrf); } catch (e) { status.textContent = e.message; }
  });
}
wire('add-passkey', async (csrf) => {
  const options = await post('/security/passkeys/options', csrf);
  const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
  await post('/security/passkeys', csrf, credential.toJSON());
  location.assign('/security');
});
wire('use-passkey', async (csrf) => {
  const options = await post('/login/passkey/options', csrf);
  const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
  const result = await post('/login/passkey', csrf, credential.toJSON());
  location.assign(result.redirect);
});
`;
