import type { AccountRepository, User } from '../../store/control/account-types.js';
import type { AuditRepository } from '../../store/control/types.js';
import { ConflictError } from '../errors.js';
import { AuthError, type AuthService, SECOND_FACTOR_FAILED } from './auth-service.js';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import type { SecretBox } from './secrets.js';
import { newTotpSecret, totpUri } from './totp.js';

/** Enrolling, confirming and removing the second factor of an account. */
export class MfaService {
  constructor(
    private readonly deps: {
      accounts: AccountRepository;
      audit: AuditRepository;
      auth: AuthService;
      box: SecretBox;
      issuer: string;
    },
  ) {}

  /** Starts (or restarts) TOTP enrolment: a fresh secret, not yet active. */
  async startTotp(user: User): Promise<{ secret: string; uri: string }> {
    if (user.totpEnabled) throw new ConflictError('two-factor authentication is already on');
    const secret = newTotpSecret();
    await this.deps.accounts.setTotp(user.id, this.deps.box.seal(secret), false);
    return { secret, uri: totpUri(secret, user.email, this.deps.issuer) };
  }

  /** The secret being enrolled, to show its QR code again after a wrong code. */
  pendingSecret(user: User): { secret: string; uri: string } | undefined {
    if (user.totpEnabled || !user.totpSecret) return undefined;
    const secret = this.deps.box.open(user.totpSecret);
    return { secret, uri: totpUri(secret, user.email, this.deps.issuer) };
  }

  /** Activates TOTP once the user proves the app works; returns the ten recovery codes, shown once. */
  async confirmTotp(user: User, code: string): Promise<string[]> {
    if (user.totpEnabled) throw new ConflictError('two-factor authentication is already on');
    if (!(await this.deps.auth.claimTotp(user, code))) throw new AuthError(SECOND_FACTOR_FAILED);
    await this.deps.accounts.setTotp(user.id, user.totpSecret ?? null, true);
    const codes = await this.replaceCodes(user);
    await this.deps.audit.record({ actor: user.email, action: 'mfa.enabled', subject: user.email, detail: {} });
    return codes;
  }

  /** Turning MFA off needs a fresh second factor, not just the session. */
  async disable(user: User, code: string, ip: string): Promise<void> {
    await this.deps.auth.verifySecondFactor(user, code, ip);
    await this.deps.accounts.setTotp(user.id, null, false);
    await this.deps.accounts.replaceRecoveryCodes(user.id, []);
    await this.deps.accounts.deletePasskeys(user.id);
    await this.deps.audit.record({ actor: user.email, action: 'mfa.disabled', subject: user.email, detail: {} });
  }

  async regenerateRecoveryCodes(user: User, code: string, ip: string): Promise<string[]> {
    await this.deps.auth.verifySecondFactor(user, code, ip);
    const codes = await this.replaceCodes(user);
    await this.deps.audit.record({ actor: user.email, action: 'mfa.recovery-codes-renewed', subject: user.email, detail: {} });
    return codes;
  }

  private async replaceCodes(user: User): Promise<string[]> {
    const codes = newRecoveryCodes();
    await this.deps.accounts.replaceRecoveryCodes(user.id, codes.map(hashRecoveryCode));
    return codes;
  }
}
