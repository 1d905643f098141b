import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomSecret, sha256 } from '../../core/accounts/secrets.js';
import { pageGuard } from '../auth/guards.js';
import { sessionOf } from '../auth/principal.js';
import type { WebDeps } from '../deps.js';
import { html } from './html.js';
import { csrfField, notice } from './layout.js';
import { field, sendPage } from './render.js';

const INVITE_DAYS = 7;

/** Admins: the accounts, the "MFA for everyone" switch and invitations. */
export function registerAdminPages(app: FastifyInstance, deps: WebDeps): void {
  const guard = pageGuard(deps, { adminOnly: true });
  const { accounts, auth, context } = deps;

  const page = async (request: FastifyRequest, messages: { ok?: string; invite?: string } = {}) => {
    const csrf = csrfField(sessionOf(request)!.session.csrf);
    const [users, required] = await Promise.all([accounts.listUsers(), auth.mfaRequired()]);
    return html`${notice('ok', messages.ok)}${messages.invite ? html`<section><p>Invitation code (valid ${INVITE_DAYS} days, once): <code id="invite-code">${messages.invite}</code></p></section>` : ''}
      <section><h2>Accounts</h2><div class="table-wrap"><table><thead><tr><th>Email</th><th>Role</th><th>Two-factor</th></tr></thead><tbody>${users.map(
        (u) => html`<tr><td>${u.email}</td><td>${u.role}</td><td>${u.totpEnabled ? 'on' : 'off'}</td></tr>`,
      )}</tbody></table></div></section>
      <section><h2>Two-factor for everyone</h2><p>${required ? 'Required: accounts without it must enrol at their next request.' : 'Optional.'}</p>${
        context.config.web.require_mfa
          ? html`<p class="muted">Set by the server configuration ([web] require_mfa).</p>`
          : html`<form method="post" action="/admin/require-mfa">${csrf}<input type="hidden" name="value" value="${required ? 'false' : 'true'}">
              <button type="submit">${required ? 'Make optional' : 'Require for all accounts'}</button></form>`
      }</section>
      <section><h2>Invitations</h2><p class="muted">Sign-up mode: ${context.config.web.signup}.</p>
        <form method="post" action="/admin/invites">${csrf}<button type="submit">New invitation code</button></form></section>`;
  };

  app.get('/admin', { preHandler: guard }, async (request, reply) => sendPage(request, reply, 'Admin', await page(request)));
  app.post('/admin/require-mfa', { preHandler: guard }, async (request, reply) => {
    const value = field(request.body, 'value') === 'true' ? 'true' : 'false';
    await accounts.setSetting('require_mfa', value);
    const actor = request.principal!.user.email;
    await context.control.audit.record({ actor, action: 'admin.require-mfa', subject: value, detail: {} });
    return sendPage(request, reply, 'Admin', await page(request, { ok: 'Saved.' }));
  });
  app.post('/admin/invites', { preHandler: guard }, async (request, reply) => {
    const code = randomSecret(18);
    await accounts.createInvite(sha256(code), request.principal!.user.id, new Date(Date.now() + INVITE_DAYS * 86_400_000).toISOString());
    await context.control.audit.record({ actor: request.principal!.user.email, action: 'admin.invite', subject: 'invite', detail: {} });
    return sendPage(request, reply, 'Admin', await page(request, { invite: code }));
  });
}
