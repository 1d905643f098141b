/**
 * The API's OpenAPI 3.1 description, served at /api/openapi.json.
 * Every /api/v1 route must appear here: the server refuses to start otherwise (see api/index.ts).
 */
type Op = [method: string, path: string, summary: string, options?: { sessionOnly?: boolean; body?: object }];

const domainBody = { type: 'object', required: ['name'], properties: { name: { type: 'string', example: 'example.org' } } };
const aliasBody = {
  type: 'object',
  required: ['local'],
  properties: {
    local: { type: 'string', description: 'local part, or * for a catch-all' },
    forwards: { type: 'array', items: { type: 'string', format: 'email' } },
    mailbox: { type: 'boolean' },
    password: { type: 'string', description: 'mailbox password; omitted = generated and returned once' },
  },
};
const appPasswordBody = { type: 'object', required: ['currentPassword'], properties: { currentPassword: { type: 'string' }, label: { type: 'string' } } };
const pgpBody = { type: 'object', required: ['key'], properties: { key: { type: ['string', 'null'], description: 'armored public key; null removes it' } } };
const smimeBody = {
  type: 'object',
  required: ['certificate'],
  properties: { certificate: { type: ['string', 'null'], description: 'PEM certificate; null removes it' } },
};
const aliasPatch = { type: 'object', properties: { forwards: { type: 'array', items: { type: 'string' } }, enabled: { type: 'boolean' } } };
const tokenBody = {
  type: 'object',
  required: ['name', 'domains'],
  properties: { name: { type: 'string' }, domains: { type: 'array', items: { type: 'string' }, minItems: 1 } },
};

export const API_OPERATIONS: Op[] = [
  ['get', '/api/v1/me', 'The calling account and its MFA status'],
  ['get', '/api/v1/domains', 'Domains the caller owns (a token: those in its scope)'],
  ['post', '/api/v1/domains', 'Add a domain (sessions only)', { body: domainBody }],
  ['get', '/api/v1/domains/{domain}', 'One domain with its verification token and status'],
  ['delete', '/api/v1/domains/{domain}', 'Remove a domain and its aliases'],
  ['post', '/api/v1/domains/{domain}/verify', 'Check the TXT record _sealmail.<domain> = verificationToken'],
  ['get', '/api/v1/domains/{domain}/dns', 'The DNS records to publish (MX, SPF, DMARC, MTA-STS, TLS-RPT, ownership)'],
  ['get', '/api/v1/domains/{domain}/aliases', 'Aliases of a domain'],
  ['post', '/api/v1/domains/{domain}/aliases', 'Add an alias (forward targets and/or a mailbox)', { body: aliasBody }],
  ['get', '/api/v1/aliases/{address}', 'One alias'],
  ['patch', '/api/v1/aliases/{address}', 'Change forward targets or enable/disable', { body: aliasPatch }],
  ['delete', '/api/v1/aliases/{address}', 'Remove an alias (its mailbox is crypto-shredded)'],
  ['post', '/api/v1/aliases/{address}/app-passwords', 'Add an app password to the mailbox (generated, shown once)', { body: appPasswordBody }],
  ['put', '/api/v1/aliases/{address}/pgp', 'Set or clear the OpenPGP key inbound mail is encrypted to', { body: pgpBody }],
  ['put', '/api/v1/aliases/{address}/smime', 'Set or clear the S/MIME certificate inbound mail is encrypted to', { body: smimeBody }],
  ['get', '/api/v1/tokens', 'API tokens of the account', { sessionOnly: true }],
  ['post', '/api/v1/tokens', 'Create a token scoped to domains; the secret is shown once', { sessionOnly: true, body: tokenBody }],
  ['delete', '/api/v1/tokens/{id}', 'Revoke a token', { sessionOnly: true }],
  ['get', '/api/v1/sessions', 'Active sessions (IP anonymised)', { sessionOnly: true }],
  ['post', '/api/v1/sessions/logout-everywhere', 'End every session of the account', { sessionOnly: true }],
  ['get', '/api/v1/logins', 'Recent logins, IPs anonymised to their network'],
  ['get', '/api/v1/audit', 'Audit events (own; admins see all; tokens see their domains)'],
];

export function openApiDocument(serverUrl: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const [method, path, summary, options = {}] of API_OPERATIONS) {
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    paths[path] ??= {};
    paths[path][method] = {
      summary,
      ...(params.length ? { parameters: params } : {}),
      ...(options.body ? { requestBody: { required: true, content: { 'application/json': { schema: options.body } } } } : {}),
      security: options.sessionOnly ? [{ session: [] }] : [{ session: [] }, { token: [] }],
      responses: {
        '200': { description: 'OK (201 on create, 204 on delete)' },
        '400': { description: 'invalid input', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        '401': { description: 'no valid session or token' },
        '403': { description: 'forbidden: missing X-CSRF-Token, token not allowed, or MFA enrolment required' },
        '404': { description: 'not found or not yours' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'sealmail API', version: '1' },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer', description: 'API token `smt_<id>.<secret>`, scoped to domains' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: '__Host-sealmail',
          description: 'web session after password and second factor; writes need the X-CSRF-Token header',
        },
      },
      schemas: { Error: { type: 'object', properties: { error: { type: 'string' } } } },
    },
  };
}
