import type { AccountRepository, Session, User } from '../../store/control/account-types.js';
import { randomSecret, sha256 } from './secrets.js';

export interface SessionPolicy {
  sessionHours: number;
  idleMinutes: number;
}

export interface ActiveSession {
  session: Session;
  user: User;
}

/** Server-side sessions: the cookie carries a random id, the store keeps only its hash. */
export class SessionManager {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly policy: SessionPolicy,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Returns the raw id for the cookie. */
  async create(userId: string, mfaDone: boolean, ip: string, userAgent: string): Promise<string> {
    const id = randomSecret();
    const now = this.clock();
    await this.accounts.createSession({
      idHash: sha256(id),
      userId,
      csrf: randomSecret(24),
      mfaDone,
      ip,
      userAgent: userAgent.slice(0, 200),
      createdAt: new Date(now).toISOString(),
      lastSeen: new Date(now).toISOString(),
      // A session still owing its second factor lives only long enough to type a code.
      expiresAt: new Date(now + (mfaDone ? this.policy.sessionHours * 3_600_000 : 600_000)).toISOString(),
    });
    return id;
  }

  /** The live session for a cookie value; expired or idle sessions are deleted and not returned. */
  async resolve(rawId: string | undefined): Promise<ActiveSession | undefined> {
    if (!rawId || rawId.length > 100) return undefined;
    const idHash = sha256(rawId);
    const session = await this.accounts.session(idHash);
    if (!session) return undefined;
    const now = this.clock();
    const idleLimit = Date.parse(session.lastSeen) + this.policy.idleMinutes * 60_000;
    if (Date.parse(session.expiresAt) <= now || idleLimit <= now) {
      await this.accounts.deleteSession(idHash);
      return undefined;
    }
    const user = await this.accounts.userById(session.userId);
    if (!user) return undefined;
    // Writing last_seen on every request is wasteful; once a minute is precise enough for idle expiry.
    if (now - Date.parse(session.lastSeen) > 60_000) await this.accounts.touchSession(idHash, new Date(now).toISOString());
    return { session, user };
  }

  async end(rawId: string): Promise<void> {
    await this.accounts.deleteSession(sha256(rawId));
  }
}
