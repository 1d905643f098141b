import type { FastifyInstance, FastifyRequest } from 'fastify';
import { pageGuard } from '../auth/guards.js';
import type { WebDeps } from '../deps.js';
import { html } from './html.js';
import { csrfField, notice } from './layout.js';
import { field, formFailure, sendPage } from './render.js';

type DomainRequest = FastifyRequest<{ Params: { domain: string } }>;

/** Domains, their DNS records and verification, and their aliases. */
export function registerDomainPages(app: FastifyInstance, deps: WebDeps): void {
  const guard = pageGuard(deps);
  const { domains } = deps;
  const csrf = (request: FastifyRequest) => (request.principal?.kind === 'session' ? request.principal.session.csrf : '');

  const listPage = async (request: FastifyRequest, error?: string) => {
    const owned = await domains.list(request.principal!);
    return html`${notice('error', error)}
      <section><h2>Your domains</h2>${
        owned.length
          ? html`<div class="table-wrap"><table><thead><tr><th>Domain</th><th>Status</th></tr></thead><tbody>${owned.map(
              (d) => html`<tr><td><a href="/domains/${encodeURIComponent(d.name)}">${d.name}</a></td><td>${
                d.verified ? html`<span class="badge ok">verified</span>` : html`<span class="badge warn">not verified</span>`
              }</td></tr>`,
            )}</tbody></table></div>`
          : html`<p class="muted">No domains yet.</p>`
      }</section>
      <section><h2>Add a domain</h2><form method="post" action="/domains" class="row">${csrfField(csrf(request))}
        <label>Domain name <input type="text" name="name" required maxlength="253" placeholder="example.org"></label>
        <button type="submit">Add domain</button></form></section>`;
  };

  app.get('/domains', { preHandler: guard }, async (request, reply) => sendPage(request, reply, 'Domains', await listPage(request)));
  app.post('/domains', { preHandler: guard }, async (request, reply) => {
    try {
      const domain = await domains.add(request.principal!, field(request.body, 'name'));
      return reply.redirect(`/domains/${encodeURIComponent(domain.name)}`, 303);
    } catch (error) {
      const failure = formFailure(error);
      return sendPage(request, reply, 'Domains', await listPage(request, failure.message), failure.status);
    }
  });

  const domainPage = async (request: DomainRequest, messages: { error?: string; ok?: string } = {}) => {
    const principal = request.principal!;
    const domain = await domains.access(principal, request.params.domain);
    const [records, aliases] = await Promise.all([domains.records(principal, domain.name), domains.aliases(principal, domain.name)]);
    const base = `/domains/${encodeURIComponent(domain.name)}`;
    return html`${notice('error', messages.error)}${notice('ok', messages.ok)}
      <section><h2>Ownership</h2><p>${
        domain.verified
          ? html`<span class="badge ok">verified</span>`
          : html`<span class="badge warn">not verified</span> Publish the <code>_sealmail.${domain.name}</code> TXT record below, then:`
      }</p>${
        domain.verified
          ? ''
          : html`<form method="post" action="${base}/verify" class="inline">${csrfField(csrf(request))}<button type="submit">Check DNS now</button></form>`
      }</section>
      <section><h2>DNS records to publish</h2><div class="table-wrap"><table class="dns-records"><thead><tr><th>Name</th><th>Type</th><th>Value</th></tr></thead><tbody>${records.map(
        (r) => html`<tr><td class="mono">${r.name}</td><td>${r.type}</td><td class="mono">${r.value}<br><span class="muted">${r.purpose}</span></td></tr>`,
      )}</tbody></table></div></section>
      <section><h2>Aliases</h2>${
        aliases.length
          ? html`<div class="table-wrap"><table class="aliases"><thead><tr><th>Address</th><th>Delivers to</th><th></th></tr></thead><tbody>${aliases.map(
              (a) => html`<tr><td class="mono">${a.address}</td><td>${a.mailbox ? 'mailbox' : ''} ${a.forwards.join(', ')}</td><td>
                <form method="post" action="/aliases/${encodeURIComponent(a.address)}/delete" class="inline">${csrfField(csrf(request))}<button type="submit" class="danger">Delete</button></form></td></tr>`,
            )}</tbody></table></div>`
          : html`<p class="muted">No aliases yet.</p>`
      }
      <h2>Add an alias</h2><form method="post" action="${base}/aliases" class="stack">${csrfField(csrf(request))}
        <label>Local part (before @${domain.name}; * catches all) <input type="text" name="local" required maxlength="64"></label>
        <label>Forward to (addresses separated by commas) <input type="text" name="forwards" maxlength="4000"></label>
        <button type="submit">Add alias</button></form></section>`;
  };

  app.get<{ Params: { domain: string } }>('/domains/:domain', { preHandler: guard }, async (request, reply) =>
    sendPage(request, reply, request.params.domain, await domainPage(request)),
  );

  app.post<{ Params: { domain: string } }>('/domains/:domain/verify', { preHandler: guard }, async (request, reply) => {
    try {
      await domains.verify(request.principal!, request.params.domain);
      return sendPage(request, reply, request.params.domain, await domainPage(request, { ok: 'Ownership verified.' }));
    } catch (error) {
      const failure = formFailure(error);
      return sendPage(request, reply, request.params.domain, await domainPage(request, { error: failure.message }), failure.status);
    }
  });

  app.post<{ Params: { domain: string } }>('/domains/:domain/aliases', { preHandler: guard }, async (request, reply) => {
    const forwards = field(request.body, 'forwards')
      .split(/[,\s]+/)
      .filter(Boolean);
    try {
      const alias = await domains.addAlias(request.principal!, { address: `${field(request.body, 'local').trim()}@${request.params.domain}`, forwards });
      return sendPage(request, reply, request.params.domain, await domainPage(request, { ok: `Alias ${alias.address} added.` }));
    } catch (error) {
      const failure = formFailure(error);
      return sendPage(request, reply, request.params.domain, await domainPage(request, { error: failure.message }), failure.status);
    }
  });

  app.post<{ Params: { address: string } }>('/aliases/:address/delete', { preHandler: guard }, async (request, reply) => {
    const alias = await domains.alias(request.principal!, request.params.address);
    if (alias.mailbox) await deps.aliasExtras.destroyMailbox(alias.address);
    await domains.removeAlias(request.principal!, alias.address);
    return reply.redirect(`/domains/${encodeURIComponent(alias.domain)}`, 303);
  });
}
