import type { DnsResolver } from '../../dns/resolver.js';
import type { AccountRepository } from '../../store/control/account-types.js';
import type { Alias, ControlStore, Domain } from '../../store/control/types.js';
import { normaliseAddress, normaliseDomain } from '../address.js';
import { type DnsRecord, zoneRecords } from '../dns-records.js';
import { AppError, NotFoundError, UsageError } from '../errors.js';
import { isAdmin, type Principal, viaOf } from './principal.js';

export interface OwnedDomain extends Domain {
  owner?: string;
  verified: boolean;
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** Domains and aliases as an account sees them: only its own (an admin's session sees all). */
export class DomainService {
  constructor(
    private readonly deps: {
      control: ControlStore;
      accounts: AccountRepository;
      dns: Pick<DnsResolver, 'txt'>;
      mailHost: string;
      /** DKIM and other features add their records here. */
      extraRecords?: (domain: string) => Promise<DnsRecord[]>;
    },
  ) {}

  private get accounts(): AccountRepository {
    return this.deps.accounts;
  }

  /** The domain, if this principal may act on it; "not found" otherwise, so other accounts' domains stay invisible. */
  async access(principal: Principal, input: string): Promise<OwnedDomain> {
    let name: string;
    try {
      name = normaliseDomain(input);
    } catch {
      throw new NotFoundError('no such domain');
    }
    const [domain, owner] = await Promise.all([this.deps.control.domains.get(name), this.accounts.domainOwner(name)]);
    const mine = owner?.userId === principal.user.id;
    const inScope = principal.kind !== 'token' || principal.token.domains.includes(name);
    if (!domain || !inScope || !(mine || isAdmin(principal))) throw new NotFoundError('no such domain');
    return { ...domain, owner: owner?.userId, verified: owner?.verifiedAt !== undefined };
  }

  async list(principal: Principal): Promise<OwnedDomain[]> {
    const names = isAdmin(principal)
      ? (await this.deps.control.domains.list()).map((d) => d.name)
      : await this.accounts.domainsOwnedBy(principal.user.id);
    const visible = principal.kind === 'token' ? names.filter((n) => principal.token.domains.includes(n)) : names;
    return Promise.all(visible.map((n) => this.access(principal, n)));
  }

  async add(principal: Principal, input: string): Promise<OwnedDomain> {
    if (principal.kind === 'token') throw new ForbiddenError('API tokens cannot add domains');
    const domain = await this.deps.control.domains.add(input);
    await this.accounts.setDomainOwner(domain.name, principal.user.id);
    await this.audit(principal, 'domain.add', domain.name);
    return { ...domain, owner: principal.user.id, verified: false };
  }

  async remove(principal: Principal, input: string): Promise<void> {
    const domain = await this.access(principal, input);
    await this.deps.control.domains.remove(domain.name);
    await this.audit(principal, 'domain.remove', domain.name);
  }

  /** Ownership proof: TXT `_sealmail.<domain>` must carry the domain's verification token. */
  async verify(principal: Principal, input: string): Promise<OwnedDomain> {
    const domain = await this.access(principal, input);
    let found: string[] = [];
    try {
      found = await this.deps.dns.txt(`_sealmail.${domain.name}`);
    } catch {
      found = [];
    }
    if (!found.includes(domain.verificationToken)) {
      throw new UsageError(`TXT record _sealmail.${domain.name} does not carry the verification token yet`);
    }
    await this.accounts.markDomainVerified(domain.name, new Date().toISOString());
    await this.audit(principal, 'domain.verify', domain.name);
    return { ...domain, verified: true };
  }

  async records(principal: Principal, input: string): Promise<DnsRecord[]> {
    const domain = await this.access(principal, input);
    const extra = (await this.deps.extraRecords?.(domain.name)) ?? [];
    return zoneRecords({ domain: domain.name, mailHost: this.deps.mailHost, verificationToken: domain.verificationToken, extra });
  }

  async aliases(principal: Principal, domainInput: string): Promise<Alias[]> {
    const domain = await this.access(principal, domainInput);
    return this.deps.control.aliases.list(domain.name);
  }

  async alias(principal: Principal, address: string): Promise<Alias> {
    const alias = await this.deps.control.aliases.get(safeAddress(address));
    if (!alias) throw new NotFoundError('no such alias');
    await this.access(principal, alias.domain).catch(() => {
      throw new NotFoundError('no such alias');
    });
    return alias;
  }

  async addAlias(principal: Principal, input: { address: string; forwards?: string[]; mailbox?: boolean }): Promise<Alias> {
    let domain: string;
    try {
      domain = normaliseAddress(input.address, { allowCatchAll: true }).split('@')[1] ?? '';
    } catch {
      throw new UsageError('that is not an email address');
    }
    await this.access(principal, domain);
    const alias = await this.deps.control.aliases.add(input);
    await this.audit(principal, 'alias.add', alias.address);
    return alias;
  }

  async updateAlias(principal: Principal, address: string, change: Partial<Pick<Alias, 'forwards' | 'enabled'>>): Promise<Alias> {
    const alias = await this.alias(principal, address);
    const updated = await this.deps.control.aliases.update(alias.address, change);
    await this.audit(principal, 'alias.update', alias.address);
    return updated;
  }

  async removeAlias(principal: Principal, address: string): Promise<void> {
    const alias = await this.alias(principal, address);
    await this.deps.control.aliases.remove(alias.address);
    await this.audit(principal, 'alias.remove', alias.address);
  }

  private async audit(principal: Principal, action: string, subject: string): Promise<void> {
    await this.deps.control.audit.record({ actor: principal.user.email, action, subject, detail: viaOf(principal) });
  }
}

function safeAddress(input: string): string {
  try {
    return normaliseAddress(input, { allowCatchAll: true });
  } catch {
    throw new NotFoundError('no such alias');
  }
}
