import { validatePgpPublicKey } from '../../crypto/openpgp-mime.js';
import { validateSmimeCertificate } from '../../crypto/smime.js';
import type { ControlStore } from '../../store/control/types.js';
import type { MailboxDirectory } from '../../store/mailbox/types.js';
import { UsageError } from '../errors.js';
import type { DomainService } from './domain-service.js';
import type { Principal } from './principal.js';
import { randomSecret } from './secrets.js';

function checkMailboxPassword(password: string): void {
  if (password.length < 8 || password.length > 1024) throw new UsageError('a mailbox password needs 8 to 1024 characters');
}

/**
 * What an alias can carry besides forwards: an encrypted mailbox (and its app passwords),
 * an OpenPGP key or an S/MIME certificate. Access is checked through DomainService first.
 */
export class AliasExtras {
  constructor(private readonly deps: { control: ControlStore; mailboxes: MailboxDirectory; domains: DomainService }) {}

  /** Creates the mailbox of a new alias; a generated password is returned once, never stored in clear. */
  async createMailbox(address: string, password?: string): Promise<string | undefined> {
    const secret = password ?? randomSecret(18);
    checkMailboxPassword(secret);
    try {
      await this.deps.mailboxes.create(address, secret);
    } catch (error) {
      await this.deps.control.aliases.remove(address);
      throw error;
    }
    return password === undefined ? secret : undefined;
  }

  /** Crypto-shreds the mailbox (wrapped keys first), as `alias remove` does. */
  async destroyMailbox(address: string): Promise<void> {
    if (!address.startsWith('*@')) await this.deps.mailboxes.destroy(address);
  }

  async addAppPassword(principal: Principal, address: string, currentPassword: string, label: string) {
    const alias = await this.deps.domains.alias(principal, address);
    if (!alias.mailbox) throw new UsageError('this alias has no mailbox');
    const password = randomSecret(18);
    const id = await this.deps.mailboxes.addPassword(alias.address, currentPassword, password, label.slice(0, 40) || 'app');
    await this.audit(principal, 'alias.app-password', alias.address);
    return { id, password };
  }

  async setPgp(principal: Principal, address: string, armored: string | null) {
    const alias = await this.deps.domains.alias(principal, address);
    const key = armored === null ? undefined : await validatePgpPublicKey(armored);
    await this.deps.control.aliasKeys.setPgp(alias.address, key?.armored ?? null);
    await this.audit(principal, 'alias.pgp', alias.address);
    return { address: alias.address, pgp: key ? { fingerprint: key.fingerprint } : null };
  }

  async setSmime(principal: Principal, address: string, pem: string | null) {
    const alias = await this.deps.domains.alias(principal, address);
    const cert = pem === null ? undefined : validateSmimeCertificate(pem);
    await this.deps.control.aliasKeys.setSmime(alias.address, cert?.pem ?? null);
    await this.audit(principal, 'alias.smime', alias.address);
    return { address: alias.address, smime: cert ? { subject: cert.subject } : null };
  }

  private async audit(principal: Principal, action: string, subject: string): Promise<void> {
    const detail = principal.kind === 'token' ? { via: 'token', token: principal.token.id } : { via: 'session' };
    await this.deps.control.audit.record({ actor: principal.user.email, action, subject, detail });
  }
}
