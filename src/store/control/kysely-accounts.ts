import type { Kysely } from 'kysely';
import type { AccountTables } from './account-tables.js';
import type { AccountRepository, ApiToken, LoginEvent, Passkey, Role, Session, User } from './account-types.js';
import { KyselyPasskeys } from './kysely-passkeys.js';

type Db = Kysely<AccountTables>;
type UserRow = AccountTables['users'];
type SessionRow = AccountTables['sessions'];
type TokenRow = AccountTables['api_tokens'];

const changed = (result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }) =>
  Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0);

/** Accounts on the control store's Kysely connection; same SQL for SQLite and PostgreSQL. */
export class KyselyAccounts implements AccountRepository {
  private readonly passkeyRows: KyselyPasskeys;

  constructor(private readonly db: Db) {
    this.passkeyRows = new KyselyPasskeys(db);
  }

  addPasskey(passkey: Passkey): Promise<void> {
    return this.passkeyRows.addPasskey(passkey);
  }

  passkeys(userId: string): Promise<Passkey[]> {
    return this.passkeyRows.passkeys(userId);
  }

  updatePasskeyCounter(id: string, counter: number): Promise<void> {
    return this.passkeyRows.updatePasskeyCounter(id, counter);
  }

  deletePasskeys(userId: string): Promise<void> {
    return this.passkeyRows.deletePasskeys(userId);
  }

  async countUsers(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async createUser(user: Omit<User, 'totpEnabled' | 'totpSecret'>): Promise<boolean> {
    const inserted = await this.db
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        password_hash: user.passwordHash,
        role: user.role,
        totp_secret: null,
        totp_enabled: 0,
        totp_last_counter: 0,
        created_at: user.createdAt,
      })
      .onConflict((c) => c.column('email').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async userById(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async userByEmail(email: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row && toUser(row);
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('email').execute()).map(toUser);
  }

  async setPassword(userId: string, hash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
  }

  async setTotp(userId: string, sealedSecret: string | null, enabled: boolean): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ totp_secret: sealedSecret, totp_enabled: enabled ? 1 : 0 })
      .where('id', '=', userId)
      .execute();
  }

  async claimTotpCounter(userId: string, counter: number): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ totp_last_counter: counter })
      .where('id', '=', userId)
      .where('totp_last_counter', '<', counter)
      .executeTakeFirst();
    return changed(result) === 1;
  }

  async replaceRecoveryCodes(userId: string, hashes: string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      if (hashes.length) {
        await trx
          .insertInto('recovery_codes')
          .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })))
          .execute();
      }
    });
  }

  async useRecoveryCode(userId: string, hash: string): Promise<boolean> {
    const result = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: new Date().toISOString() })
      .where('user_id', '=', userId)
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return changed(result) === 1;
  }

  async unusedRecoveryCodes(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async createSession(s: Session): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: s.idHash,
        user_id: s.userId,
        csrf: s.csrf,
        mfa_done: s.mfaDone ? 1 : 0,
        ip: s.ip,
        user_agent: s.userAgent,
        created_at: s.createdAt,
        last_seen: s.lastSeen,
        expires_at: s.expiresAt,
      })
      .execute();
  }

  async session(idHash: string): Promise<Session | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return row && toSession(row);
  }

  async touchSession(idHash: string, lastSeen: string): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen: lastSeen }).where('id_hash', '=', idHash).execute();
  }

  async sessions(userId: string): Promise<Session[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('last_seen', 'desc')
      .execute();
    return rows.map(toSession);
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteSessions(userId: string, keep?: string): Promise<number> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keep) query = query.where('id_hash', '!=', keep);
    return changed(await query.executeTakeFirst());
  }

  async createToken(t: ApiToken): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: t.id,
        user_id: t.userId,
        name: t.name,
        secret_hash: t.secretHash,
        domains: JSON.stringify(t.domains),
        created_at: t.createdAt,
        last_used: null,
        revoked_at: null,
      })
      .execute();
  }

  async token(id: string): Promise<ApiToken | undefined> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toToken(row);
  }

  async tokens(userId: string): Promise<ApiToken[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
    return rows.map(toToken);
  }

  async revokeToken(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return changed(result) === 1;
  }

  async touchToken(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used: at }).where('id', '=', id).execute();
  }

  async recordLogin(userId: string, e: LoginEvent): Promise<void> {
    await this.db
      .insertInto('login_events')
      .values({ user_id: userId, at: e.at, ip: e.ip, method: e.method, ok: e.ok ? 1 : 0 })
      .execute();
  }

  async logins(userId: string, limit: number): Promise<LoginEvent[]> {
    const rows = await this.db
      .selectFrom('login_events')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ at: r.at, ip: r.ip, method: r.method, ok: Number(r.ok) === 1 }));
  }

  async createInvite(codeHash: string, createdBy: string, expiresAt: string): Promise<void> {
    await this.db.insertInto('invites').values({ code_hash: codeHash, created_by: createdBy, expires_at: expiresAt, used_at: null }).execute();
  }

  async useInvite(codeHash: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('invites')
      .set({ used_at: at })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    return changed(result) === 1;
  }

  async setting(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('account_settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('account_settings')
      .values({ key, value })
      .onConflict((c) => c.column('key').doUpdateSet({ value }))
      .execute();
  }

  async setDomainOwner(domain: string, userId: string): Promise<void> {
    await this.db
      .insertInto('domain_owners')
      .values({ domain, user_id: userId, verified_at: null })
      .onConflict((c) => c.column('domain').doUpdateSet({ user_id: userId }))
      .execute();
  }

  async domainOwner(domain: string): Promise<{ userId: string; verifiedAt?: string } | undefined> {
    const row = await this.db.selectFrom('domain_owners').selectAll().where('domain', '=', domain).executeTakeFirst();
    return row && { userId: row.user_id, verifiedAt: row.verified_at ?? undefined };
  }

  async domainsOwnedBy(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('domain_owners').select('domain').where('user_id', '=', userId).orderBy('domain').execute();
    return rows.map((r) => r.domain);
  }

  async markDomainVerified(domain: string, at: string): Promise<void> {
    await this.db.updateTable('domain_owners').set({ verified_at: at }).where('domain', '=', domain).execute();
  }
}

function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    passwordHash: r.password_hash,
    role: r.role as Role,
    totpSecret: r.totp_secret ?? undefined,
    totpEnabled: Number(r.totp_enabled) === 1,
    createdAt: r.created_at,
  };
}

function toSession(r: SessionRow): Session {
  return {
    idHash: r.id_hash,
    userId: r.user_id,
    csrf: r.csrf,
    mfaDone: Number(r.mfa_done) === 1,
    ip: r.ip,
    userAgent: r.user_agent,
    createdAt: r.created_at,
    lastSeen: r.last_seen,
    expiresAt: r.expires_at,
  };
}

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    secretHash: r.secret_hash,
    domains: JSON.parse(r.domains) as string[],
    createdAt: r.created_at,
    lastUsed: r.last_used ?? undefined,
    revokedAt: r.revoked_at ?? undefined,
  };
}
