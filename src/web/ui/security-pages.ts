import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { pageGuard } from '../auth/guards.js';
import { clearSessionCookie, sessionOf } from '../auth/principal.js';
import type { WebDeps } from '../deps.js';
import { html, trusted } from './html.js';
import { csrfField, notice } from './layout.js';
import { field, formFailure, sendPage } from './render.js';

/** The security page (MFA, sessions, logins, blocked IPs, audit) and TOTP enrolment. */
export function registerSecurityPages(app: FastifyInstance, deps: WebDeps): void {
  const guard = pageGuard(deps);
  const enrolGuard = pageGuard(deps, { duringEnrolment: true });
  const { accounts, mfa, context } = deps;

  const securityPage = async (request: FastifyRequest, messages: { error?: string; ok?: string } = {}) => {
    const { user, session } = sessionOf(request)!;
    const csrf = csrfField(session.csrf);
    const [codesLeft, passkeys, sessions, logins, events] = await Promise.all([
      accounts.unusedRecoveryCodes(user.id),
      accounts.passkeys(user.id),
      accounts.sessions(user.id),
      accounts.logins(user.id, 10),
      context.control.audit.list({ limit: 15, actor: user.role === 'admin' ? undefined : user.email }),
    ]);
    const codeField = html`<label>Current code or recovery code <input type="text" name="code" autocomplete="one-time-code" required maxlength="64"></label>`;
    return html`${notice('error', messages.error)}${notice('ok', messages.ok)}
      <section><h2>Two-factor authentication</h2>${
        user.totpEnabled
          ? html`<p><span class="badge ok">on</span> Authenticator app · ${passkeys.length} passkeys · ${codesLeft} recovery codes left</p>
            <p><button type="button" id="add-passkey" class="secondary" data-csrf="${session.csrf}">Add a passkey</button></p>
            <p id="passkey-status" class="muted" role="status"></p><script src="/static/passkey.js"></script>
            <form method="post" action="/security/recovery-codes" class="stack">${csrf}${codeField}<button type="submit" class="secondary">New recovery codes</button></form>
            <h2>Turn off</h2><form method="post" action="/security/mfa/disable" class="stack">${csrf}${codeField}<button type="submit" class="danger">Turn off two-factor</button></form>`
          : html`<p><span class="badge warn">off</span> Protect your account with an authenticator app.</p><p><a href="/security/totp">Set up two-factor authentication</a></p>`
      }</section>
      <section><h2>Active sessions</h2><div class="table-wrap"><table><thead><tr><th>Network</th><th>Browser</th><th>Last seen</th></tr></thead><tbody>${sessions.map(
        (s) => html`<tr><td class="mono">${s.ip}${s.idHash === session.idHash ? html` <span class="badge ok">this one</span>` : ''}</td><td>${s.userAgent.slice(0, 60)}</td><td>${s.lastSeen.slice(0, 16).replace('T', ' ')}</td></tr>`,
      )}</tbody></table></div>
        <form method="post" action="/security/logout-everywhere">${csrf}<button type="submit" class="danger">Log out everywhere</button></form></section>
      <section><h2>Recent logins</h2><p class="muted">Addresses are shortened to their network.</p><div class="table-wrap"><table><thead><tr><th>When (UTC)</th><th>Network</th><th>Step</th><th>Result</th></tr></thead><tbody>${logins.map(
        (l) => html`<tr><td>${l.at.slice(0, 16).replace('T', ' ')}</td><td class="mono">${l.ip}</td><td>${l.method}</td><td>${l.ok ? 'ok' : 'failed'}</td></tr>`,
      )}</tbody></table></div></section>
      <section><h2>Blocked IPs</h2><p class="muted">The abuse guard is not enabled on this server, so no addresses are blocked.</p></section>
      <section><h2>Audit events</h2><div class="table-wrap"><table><thead><tr><th>When (UTC)</th><th>Action</th><th>Subject</th></tr></thead><tbody>${events.map(
        (e) => html`<tr><td>${e.at.slice(0, 16).replace('T', ' ')}</td><td>${e.action}</td><td class="mono">${e.subject}</td></tr>`,
      )}</tbody></table></div></section>`;
  };

  app.get('/security', { preHandler: guard }, async (request, reply) => sendPage(request, reply, 'Security', await securityPage(request)));

  const withFactor = (path: string, action: (request: FastifyRequest) => Promise<{ ok: string; codes?: string[] }>) =>
    app.post(path, { preHandler: guard }, async (request, reply) => {
      try {
        const result = await action(request);
        const body = result.codes ? codesList(result.codes) : html``;
        return sendPage(request, reply, 'Security', html`${body}${await securityPage(request, { ok: result.ok })}`);
      } catch (error) {
        const failure = formFailure(error);
        return sendPage(request, reply, 'Security', await securityPage(request, { error: failure.message }), failure.status);
      }
    });
  withFactor('/security/recovery-codes', async (request) => ({
    ok: 'New recovery codes made; the old ones no longer work.',
    codes: await mfa.regenerateRecoveryCodes(request.principal!.user, field(request.body, 'code'), request.ip),
  }));
  withFactor('/security/mfa/disable', async (request) => {
    await mfa.disable(request.principal!.user, field(request.body, 'code'), request.ip);
    request.principal!.user.totpEnabled = false;
    return { ok: 'Two-factor authentication is off.' };
  });

  app.post('/security/logout-everywhere', { preHandler: enrolGuard }, async (request, reply) => {
    const { user } = request.principal!;
    const ended = await accounts.deleteSessions(user.id);
    await context.control.audit.record({ actor: user.email, action: 'session.logout-everywhere', subject: user.email, detail: { ended } });
    clearSessionCookie(reply);
    return reply.redirect('/login', 303);
  });

  const enrolPage = async (request: FastifyRequest, error?: string) => {
    const { user, session } = sessionOf(request)!;
    const pending = mfa.pendingSecret(user) ?? (await mfa.startTotp(user));
    const qr = await QRCode.toString(pending.uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    return html`${notice('error', error)}
      <section><p>Scan this code with an authenticator app, or type the key by hand.</p>
        <div class="qr">${trusted(qr)}</div>
        <p>Key: <code id="totp-secret">${pending.secret}</code></p>
        <form method="post" action="/security/totp" class="stack">${csrfField(session.csrf)}
          <label>Code shown by the app <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="10"></label>
          <button type="submit">Turn on</button></form></section>`;
  };

  app.get('/security/totp', { preHandler: enrolGuard }, async (request, reply) => {
    if (request.principal!.user.totpEnabled) return reply.redirect('/security', 303);
    return sendPage(request, reply, 'Set up two-factor', await enrolPage(request));
  });
  app.post('/security/totp', { preHandler: enrolGuard }, async (request, reply) => {
    try {
      const codes = await mfa.confirmTotp(request.principal!.user, field(request.body, 'code'));
      const body = html`${notice('ok', 'Two-factor authentication is on.')}${codesList(codes)}<p><a href="/security">Continue</a></p>`;
      return sendPage(request, reply, 'Save your recovery codes', body);
    } catch (error) {
      const failure = formFailure(error);
      return sendPage(request, reply, 'Set up two-factor', await enrolPage(request, failure.message), failure.status);
    }
  });
}

function codesList(codes: string[]) {
  return html`<section><p>Each recovery code works once, if you lose your authenticator. Store them somewhere safe; they are not shown again.</p>
    <ul class="codes" id="recovery-codes">${codes.map((c) => html`<li>${c}</li>`)}</ul></section>`;
}
