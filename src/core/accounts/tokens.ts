import type { AccountRepository, ApiToken } from '../../store/control/account-types.js';
import type { AuditRepository } from '../../store/control/types.js';
import { NotFoundError, UsageError } from '../errors.js';
import type { DomainService } from './domain-service.js';
import type { Principal } from './principal.js';
import { randomSecret, sha256 } from './secrets.js';

export type PublicToken = Omit<ApiToken, 'secretHash' | 'userId'>;

/** API tokens for scripts: scoped to domains the creator owns, shown once, revocable. */
export async function createApiToken(
  deps: { accounts: AccountRepository; audit: AuditRepository; domains: DomainService },
  principal: Principal,
  input: { name: string; domains: string[] },
): Promise<{ token: string; info: PublicToken }> {
  const name = input.name.trim();
  if (!name || name.length > 64) throw new UsageError('a token needs a name of 1 to 64 characters');
  if (input.domains.length === 0) throw new UsageError('a token must be scoped to at least one domain');
  const scope = [...new Set(await Promise.all(input.domains.map(async (d) => (await deps.domains.access(principal, d)).name)))];
  const id = randomSecret(12);
  const secret = randomSecret(32);
  const token: ApiToken = {
    id,
    userId: principal.user.id,
    name,
    secretHash: sha256(secret),
    domains: scope,
    createdAt: new Date().toISOString(),
  };
  await deps.accounts.createToken(token);
  await deps.audit.record({ actor: principal.user.email, action: 'token.create', subject: id, detail: { domains: scope } });
  return { token: `smt_${id}.${secret}`, info: publicToken(token) };
}

export async function revokeApiToken(
  deps: { accounts: AccountRepository; audit: AuditRepository },
  principal: Principal,
  id: string,
): Promise<void> {
  if (!(await deps.accounts.revokeToken(principal.user.id, id))) throw new NotFoundError('no such active token');
  await deps.audit.record({ actor: principal.user.email, action: 'token.revoke', subject: id, detail: {} });
}

export function publicToken(token: ApiToken): PublicToken {
  const { secretHash: _hash, userId: _user, ...rest } = token;
  return rest;
}
