import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebDeps } from '../deps.js';
import { startSession } from '../auth/login-session.js';
import { clearSessionCookie, sessionOf } from '../auth/principal.js';
import { safeEqual } from '../../core/accounts/secrets.js';
import { html } from './html.js';
import { csrfField, notice } from './layout.js';
import { field, formFailure, sendPage } from './render.js';

/** Sign-up, the two login steps and logout. */
export function registerAuthPages(app: FastifyInstance, deps: WebDeps): void {
  const { auth, sessions, config } = { ...deps, config: deps.context.config };

  const signupForm = (error?: string, ok?: string) => html`
    ${notice('error', error)}${notice('ok', ok)}
    <section><form method="post" action="/signup" class="stack">
      <label>Email address <input type="email" name="email" autocomplete="username" required maxlength="254"></label>
      <label>Password (at least 10 characters) <input type="password" name="password" autocomplete="new-password" required minlength="10" maxlength="256"></label>
      ${config.web.signup === 'invite' ? html`<label>Invitation code <input type="text" name="invite" autocomplete="off"></label>` : ''}
      <button type="submit">Create account</button>
    </form></section>`;

  app.get('/signup', async (request, reply) => sendPage(request, reply, 'Create an account', signupForm()));
  app.post('/signup', async (request, reply) => {
    try {
      await auth.signup({ email: field(request.body, 'email'), password: field(request.body, 'password'), invite: field(request.body, 'invite') });
    } catch (error) {
      const failure = formFailure(error);
      return sendPage(request, reply, 'Create an account', signupForm(failure.message), failure.status);
    }
    // The same answer whether or not the address already had an account.
    const body = html`${notice('ok', 'If that address was free, your account is ready.')}<p><a href="/login">Log in</a></p>`;
    return sendPage(request, reply, 'Check your account', body);
  });

  const loginForm = (error?: string) => html`
    ${notice('error', error)}
    <section><form method="post" action="/login" class="stack">
      <label>Email address <input type="email" name="email" autocomplete="username" required maxlength="254"></label>
      <label>Password <input type="password" name="password" autocomplete="current-password" required maxlength="256"></label>
      <button type="submit">Log in</button>
    </form><p class="muted">No account? <a href="/signup">Sign up</a></p></section>`;

  app.get('/login', async (request, reply) => sendPage(request, reply, 'Log in', loginForm()));
  app.post('/login', async (request, reply) => {
    try {
      const { user, mfaPending } = await auth.login({ email: field(request.body, 'email'), password: field(request.body, 'password'), ip: request.ip });
      await startSession(deps, request, reply, user.id, !mfaPending);
      return reply.redirect(mfaPending ? '/login/mfa' : '/domains', 303);
    } catch (error) {
      const failure = formFailure(error);
      return sendPage(request, reply, 'Log in', loginForm(failure.message), failure.status);
    }
  });

  const mfaForm = (csrf: string, error?: string, hasPasskey = false) => html`
    ${notice('error', error)}
    <section><form method="post" action="/login/mfa" class="stack">${csrfField(csrf)}
      <label>Code from your authenticator app, or a recovery code
        <input type="text" name="code" autocomplete="one-time-code" inputmode="text" required maxlength="64"></label>
      <button type="submit">Continue</button>
    </form>${
      hasPasskey
        ? html`<p>or</p><button type="button" id="use-passkey" class="secondary" data-csrf="${csrf}">Use a passkey</button><p id="passkey-status" class="muted" role="status"></p><script src="/static/passkey.js"></script>`
        : ''
    }</section>`;

  const pending = (request: FastifyRequest) => {
    const session = sessionOf(request);
    return session && !session.session.mfaDone ? session : undefined;
  };
  app.get('/login/mfa', async (request, reply) => {
    const session = pending(request);
    if (!session) return reply.redirect('/login', 303);
    const hasPasskey = (await deps.accounts.passkeys(session.user.id)).length > 0;
    return sendPage(request, reply, 'Second factor', mfaForm(session.session.csrf, undefined, hasPasskey));
  });
  app.post('/login/mfa', async (request, reply) => {
    const session = pending(request);
    if (!session || !safeEqual(field(request.body, '_csrf'), session.session.csrf)) return reply.redirect('/login', 303);
    try {
      await auth.verifySecondFactor(session.user, field(request.body, 'code'), request.ip);
    } catch (error) {
      const failure = formFailure(error);
      return sendPage(request, reply, 'Second factor', mfaForm(session.session.csrf, failure.message), failure.status);
    }
    await startSession(deps, request, reply, session.user.id, true);
    return reply.redirect('/domains', 303);
  });

  app.post('/logout', async (request, reply) => {
    const session = sessionOf(request);
    if (session && safeEqual(field(request.body, '_csrf'), session.session.csrf)) await sessions.end(session.rawSessionId);
    clearSessionCookie(reply);
    return reply.redirect('/login', 303);
  });
}
