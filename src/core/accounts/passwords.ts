import { hash, verify } from '@node-rs/argon2';
import { UsageError } from '../errors.js';

// Argon2id (algorithm 2) with OWASP's minimum profile: 19 MiB, 2 passes, 1 lane.
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export function checkPasswordRules(password: string): void {
  if (password.length < PASSWORD_MIN) throw new UsageError(`the password needs at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) throw new UsageError(`the password may have at most ${PASSWORD_MAX} characters`);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password; with no stored hash it still spends the same Argon2 work against a dummy hash,
 * so an unknown account answers as slowly as a known one (no enumeration by timing).
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX) return false;
  dummyHash ??= hashPassword('sealmail-dummy-password');
  const target = stored ?? (await dummyHash);
  const ok = await verify(target, password).catch(() => false);
  return ok && stored !== undefined;
}
