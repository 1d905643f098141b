/**
 * Mailbox login shared by IMAP and POP3. Unknown address and wrong password are one outcome
 * (the store makes them cost the same); the abuse guard is consulted before and told after.
 */
import type { MailboxDirectory, MailboxSession } from '../store/mailbox/types.js';
import { normaliseAddress } from '../core/address.js';

/** The hook point for the shared abuse guard (src/security/guard, issue 7). */
export interface LoginGuard {
  /** False when this IP/address may not try now (banned, rate limited). */
  allow(attempt: { ip: string; address: string; protocol: string }): Promise<boolean>;
  failed(attempt: { ip: string; address: string; protocol: string }): Promise<void>;
  succeeded(attempt: { ip: string; address: string; protocol: string }): Promise<void>;
}

export const NO_GUARD: LoginGuard = {
  allow: async () => true,
  failed: async () => {},
  succeeded: async () => {},
};

export type LoginOutcome = { ok: true; session: MailboxSession } | { ok: false; reason: 'refused' | 'blocked' };

export async function loginToMailbox(
  deps: { mailboxes: MailboxDirectory; guard: LoginGuard },
  attempt: { ip: string; protocol: string; username: string; password: string },
): Promise<LoginOutcome> {
  let address: string;
  try {
    address = normaliseAddress(attempt.username);
  } catch {
    address = attempt.username.toLowerCase();
  }
  const who = { ip: attempt.ip, address, protocol: attempt.protocol };
  if (!(await deps.guard.allow(who))) return { ok: false, reason: 'blocked' };
  let session: MailboxSession | undefined;
  try {
    session = await deps.mailboxes.unlock(address, attempt.password);
  } catch {
    session = undefined;
  }
  if (!session) {
    await deps.guard.failed(who);
    return { ok: false, reason: 'refused' };
  }
  await deps.guard.succeeded(who);
  return { ok: true, session };
}

/** SASL PLAIN (RFC 4616): authzid NUL authcid NUL password; authzid must be empty or equal. */
export function decodeSaslPlain(base64: string): { username: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return undefined;
  const parts = Buffer.from(base64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) return undefined;
  const [authz, username, password] = parts as [string, string, string];
  if (!username || !password || (authz && authz !== username)) return undefined;
  return { username, password };
}
