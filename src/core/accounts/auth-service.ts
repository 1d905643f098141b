import { randomUUID } from 'node:crypto';
import type { AccountRepository, User } from '../../store/control/account-types.js';
import type { AuditRepository } from '../../store/control/types.js';
import { normaliseAddress } from '../address.js';
import { AppError, UsageError } from '../errors.js';
import type { LoginThrottle } from './login-throttle.js';
import { checkPasswordRules, hashPassword, verifyPassword } from './passwords.js';
import { hashRecoveryCode, looksLikeRecoveryCode } from './recovery-codes.js';
import type { SecretBox } from './secrets.js';
import { sha256 } from './secrets.js';
import { matchTotp } from './totp.js';

export type SignupMode = 'open' | 'invite' | 'closed';

export interface AuthDeps {
  accounts: AccountRepository;
  audit: AuditRepository;
  /** password attempts: the shared abuse guard in the server (per IP, per account and network) */
  throttle: LoginThrottle;
  /** second-factor codes: also capped per account, since whoever gets here already has the password */
  codeThrottle: LoginThrottle;
  box: SecretBox;
  signup: SignupMode;
  requireMfaByConfig: boolean;
  /** Turns a client IP into the anonymised form stored in login history. */
  anonymiseIp: (ip: string) => string;
  clock?: () => number;
}

/** One message for every failed login, whether the account exists or not. */
export const LOGIN_FAILED = 'wrong email address or password';
export const SECOND_FACTOR_FAILED = 'that code is not valid';

export class AuthError extends AppError {
  constructor(message: string, code: 'unauthorized' | 'too_many' = 'unauthorized') {
    super(code, message);
  }
}

/** Sign-up, password login and second factors: the account rules, free of HTTP. */
export class AuthService {
  constructor(private readonly deps: AuthDeps) {}

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }

  /**
   * Creates the account if the address is free. The outcome is the same either way (no enumeration):
   * an existing address costs the same Argon2 work and gives the same answer.
   */
  async signup(input: { email: string; password: string; invite?: string }): Promise<void> {
    const email = normaliseEmail(input.email);
    checkPasswordRules(input.password);
    const first = (await this.deps.accounts.countUsers()) === 0;
    if (!first) await this.admitBySignupMode(input.invite);
    const passwordHash = await hashPassword(input.password);
    const created = await this.deps.accounts.createUser({
      id: randomUUID(),
      email,
      passwordHash,
      role: first ? 'admin' : 'user',
      createdAt: new Date(this.now()).toISOString(),
    });
    if (created) await this.deps.audit.record({ actor: email, action: 'account.signup', subject: email, detail: { admin: first } });
  }

  private async admitBySignupMode(invite: string | undefined): Promise<void> {
    if (this.deps.signup === 'open') return;
    if (this.deps.signup === 'invite' && invite) {
      if (await this.deps.accounts.useInvite(sha256(invite.trim()), new Date(this.now()).toISOString())) return;
    }
    throw new UsageError(this.deps.signup === 'closed' ? 'sign-up is closed on this server' : 'sign-up needs a valid invitation');
  }

  /** Password step. Returns the user and whether a second factor is still owed. */
  async login(input: { email: string; password: string; ip: string }): Promise<{ user: User; mfaPending: boolean }> {
    const email = safeNormaliseEmail(input.email);
    if (!(await this.deps.throttle.allowed(input.ip, email))) {
      throw new AuthError('too many attempts; wait a few minutes', 'too_many');
    }
    const user = await this.deps.accounts.userByEmail(email);
    const ok = await verifyPassword(user?.passwordHash, input.password);
    if (!ok || !user) {
      await this.deps.throttle.failed(input.ip, email);
      if (user) await this.recordLogin(user.id, input.ip, 'password', false);
      throw new AuthError(LOGIN_FAILED);
    }
    await this.deps.throttle.succeeded(input.ip, email);
    if (!user.totpEnabled) await this.recordLogin(user.id, input.ip, 'password', true);
    return { user, mfaPending: user.totpEnabled };
  }

  /** A TOTP code (each time step once) or an unused recovery code. Throws on anything else. */
  async verifySecondFactor(user: User, code: string, ip: string): Promise<'totp' | 'recovery'> {
    const key = `mfa:${user.id}`;
    if (!(await this.deps.codeThrottle.allowed(ip, key))) throw new AuthError('too many attempts; wait a few minutes', 'too_many');
    const method = await this.checkCode(user, code);
    if (!method) {
      await this.deps.codeThrottle.failed(ip, key);
      await this.recordLogin(user.id, ip, 'second-factor', false);
      throw new AuthError(SECOND_FACTOR_FAILED);
    }
    await this.deps.codeThrottle.succeeded(ip, key);
    await this.recordLogin(user.id, ip, method, true);
    return method;
  }

  private async checkCode(user: User, code: string): Promise<'totp' | 'recovery' | undefined> {
    const trimmed = code.trim().slice(0, 64);
    if (/^\d{6}$/.test(trimmed.replace(/\s/g, ''))) {
      return (await this.claimTotp(user, trimmed)) ? 'totp' : undefined;
    }
    if (looksLikeRecoveryCode(trimmed) && (await this.deps.accounts.useRecoveryCode(user.id, hashRecoveryCode(trimmed)))) {
      await this.deps.audit.record({ actor: user.email, action: 'mfa.recovery-code-used', subject: user.email, detail: {} });
      return 'recovery';
    }
    return undefined;
  }

  /** Valid code whose time step has not been used before (RFC 6238 §5.2: one use per code). */
  async claimTotp(user: User, code: string): Promise<boolean> {
    if (!user.totpSecret) return false;
    const step = matchTotp(this.deps.box.open(user.totpSecret), code, this.now());
    return step !== undefined && (await this.deps.accounts.claimTotpCounter(user.id, step));
  }

  async mfaRequired(): Promise<boolean> {
    return this.deps.requireMfaByConfig || (await this.deps.accounts.setting('require_mfa')) === 'true';
  }

  async recordLogin(userId: string, ip: string, method: string, ok: boolean): Promise<void> {
    await this.deps.accounts.recordLogin(userId, {
      at: new Date(this.now()).toISOString(),
      ip: this.deps.anonymiseIp(ip),
      method,
      ok,
    });
  }
}

export function normaliseEmail(input: string): string {
  if (input.length > 254) throw new UsageError('that is not an email address');
  return normaliseAddress(input);
}

function safeNormaliseEmail(input: string): string {
  try {
    return normaliseEmail(input);
  } catch {
    return input.slice(0, 254).toLowerCase();
  }
}
