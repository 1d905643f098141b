import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createApiToken, revokeApiToken } from '../../core/accounts/tokens.js';
import { pageGuard } from '../auth/guards.js';
import { sessionOf } from '../auth/principal.js';
import type { WebDeps } from '../deps.js';
import { html } from './html.js';
import { csrfField, notice } from './layout.js';
import { formFailure, sendPage } from './render.js';

/** API tokens: create (scoped to chosen domains, secret shown once) and revoke. */
export function registerTokenPages(app: FastifyInstance, deps: WebDeps): void {
  const guard = pageGuard(deps);
  const tokenDeps = { accounts: deps.accounts, audit: deps.context.control.audit, domains: deps.domains };

  const page = async (request: FastifyRequest, messages: { error?: string; created?: string } = {}) => {
    const { user, session } = sessionOf(request)!;
    const csrf = csrfField(session.csrf);
    const [tokens, owned] = await Promise.all([deps.accounts.tokens(user.id), deps.domains.list(request.principal!)]);
    return html`${notice('error', messages.error)}${
      messages.created
        ? html`<section>${notice('ok', 'Token created. Copy it now; it is not shown again.')}<p><code id="new-token">${messages.created}</code></p></section>`
        : ''
    }
      <section><h2>Your tokens</h2><div class="table-wrap"><table><thead><tr><th>Name</th><th>Domains</th><th>Last used</th><th></th></tr></thead><tbody>${tokens.map(
        (t) => html`<tr><td>${t.name}</td><td class="mono">${t.domains.join(', ')}</td><td>${t.lastUsed?.slice(0, 16).replace('T', ' ') ?? 'never'}</td><td>${
          t.revokedAt
            ? 'revoked'
            : html`<form method="post" action="/tokens/${t.id}/revoke" class="inline">${csrf}<button type="submit" class="danger">Revoke</button></form>`
        }</td></tr>`,
      )}</tbody></table></div></section>
      <section><h2>New token</h2>${
        owned.length
          ? html`<form method="post" action="/tokens" class="stack">${csrf}
              <label>Name <input type="text" name="name" required maxlength="64"></label>
              <fieldset><legend>Domains it may manage</legend>${owned.map(
                (d) => html`<label class="check"><input type="checkbox" name="domains" value="${d.name}"> ${d.name}</label>`,
              )}</fieldset><button type="submit">Create token</button></form>`
          : html`<p class="muted">Add a domain first; tokens are scoped to domains.</p>`
      }</section>`;
  };

  app.get('/tokens', { preHandler: guard }, async (request, reply) => sendPage(request, reply, 'API tokens', await page(request)));
  app.post('/tokens', { preHandler: guard }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const domains = [body.domains].flat().filter((d): d is string => typeof d === 'string');
    try {
      const created = await createApiToken(tokenDeps, request.principal!, { name: String(body.name ?? ''), domains });
      return sendPage(request, reply, 'API tokens', await page(request, { created: created.token }));
    } catch (error) {
      const failure = formFailure(error);
      return sendPage(request, reply, 'API tokens', await page(request, { error: failure.message }), failure.status);
    }
  });
  app.post<{ Params: { id: string } }>('/tokens/:id/revoke', { preHandler: guard }, async (request, reply) => {
    await revokeApiToken(tokenDeps, request.principal!, request.params.id);
    return reply.redirect('/tokens', 303);
  });
}
