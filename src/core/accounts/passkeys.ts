import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { AccountRepository, User } from '../../store/control/account-types.js';
import type { AuditRepository } from '../../store/control/types.js';
import { ConflictError } from '../errors.js';
import { AuthError, SECOND_FACTOR_FAILED } from './auth-service.js';

const CHALLENGE_TTL_MS = 300_000;

/** Where WebAuthn ceremonies happen: the relying-party id (our host name) and the page origin. */
export interface RelyingParty {
  id: string;
  origin: string;
}

/**
 * WebAuthn passkeys and security keys as a second factor (beside TOTP, never instead of recovery codes).
 * Each challenge is single-use and bound to the session that asked for it.
 */
export class PasskeyService {
  private readonly challenges = new Map<string, { challenge: string; expires: number }>();

  constructor(private readonly deps: { accounts: AccountRepository; audit: AuditRepository; rpName: string }) {}

  async registrationOptions(user: User, sessionKey: string, rp: RelyingParty) {
    if (!user.totpEnabled) throw new ConflictError('set up the authenticator app first; passkeys are added beside it');
    const existing = await this.deps.accounts.passkeys(user.id);
    const options = await generateRegistrationOptions({
      rpName: this.deps.rpName,
      rpID: rp.id,
      userName: user.email,
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    this.remember(`reg:${sessionKey}`, options.challenge);
    return options;
  }

  async register(user: User, sessionKey: string, response: RegistrationResponseJSON, rp: RelyingParty): Promise<void> {
    const expectedChallenge = this.take(`reg:${sessionKey}`);
    const result = await verifyRegistrationResponse({ response, expectedChallenge, expectedOrigin: rp.origin, expectedRPID: rp.id }).catch(
      () => undefined,
    );
    if (!result?.verified) throw new AuthError('the passkey could not be verified');
    const { credential } = result.registrationInfo;
    await this.deps.accounts.addPasskey({
      id: credential.id,
      userId: user.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports ?? [],
      createdAt: new Date().toISOString(),
    });
    await this.deps.audit.record({ actor: user.email, action: 'mfa.passkey-added', subject: user.email, detail: {} });
  }

  async authenticationOptions(user: User, sessionKey: string, rp: RelyingParty) {
    const passkeys = await this.deps.accounts.passkeys(user.id);
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials: passkeys.map((p) => ({ id: p.id, transports: p.transports as never })),
      userVerification: 'preferred',
    });
    this.remember(`auth:${sessionKey}`, options.challenge);
    return options;
  }

  async authenticate(user: User, sessionKey: string, response: AuthenticationResponseJSON, rp: RelyingParty): Promise<void> {
    const expectedChallenge = this.take(`auth:${sessionKey}`);
    const passkey = (await this.deps.accounts.passkeys(user.id)).find((p) => p.id === response.id);
    if (!passkey) throw new AuthError(SECOND_FACTOR_FAILED);
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: passkey.id, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.counter, transports: passkey.transports },
    }).catch(() => undefined);
    if (!result?.verified) throw new AuthError(SECOND_FACTOR_FAILED);
    await this.deps.accounts.updatePasskeyCounter(passkey.id, result.authenticationInfo.newCounter);
  }

  private remember(key: string, challenge: string): void {
    const now = Date.now();
    for (const [k, v] of this.challenges) if (v.expires <= now) this.challenges.delete(k);
    this.challenges.set(key, { challenge, expires: now + CHALLENGE_TTL_MS });
  }

  /** A challenge is used at most once, whatever the outcome. */
  private take(key: string): string {
    const entry = this.challenges.get(key);
    this.challenges.delete(key);
    if (!entry || entry.expires <= Date.now()) throw new AuthError('the passkey request expired; try again');
    return entry.challenge;
  }
}
