import type { Kysely } from 'kysely';
import type { AccountTables } from './account-tables.js';
import type { Passkey } from './account-types.js';

/** Passkey rows; mixed into KyselyAccounts to keep each file small. */
export class KyselyPasskeys {
  constructor(private readonly db: Kysely<AccountTables>) {}

  async addPasskey(p: Passkey): Promise<void> {
    await this.db
      .insertInto('passkeys')
      .values({
        id: p.id,
        user_id: p.userId,
        public_key: p.publicKey,
        counter: p.counter,
        transports: JSON.stringify(p.transports),
        created_at: p.createdAt,
      })
      .execute();
  }

  async passkeys(userId: string): Promise<Passkey[]> {
    const rows = await this.db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      publicKey: r.public_key,
      counter: Number(r.counter),
      transports: JSON.parse(r.transports) as string[],
      createdAt: r.created_at,
    }));
  }

  async updatePasskeyCounter(id: string, counter: number): Promise<void> {
    await this.db.updateTable('passkeys').set({ counter }).where('id', '=', id).execute();
  }

  async deletePasskeys(userId: string): Promise<void> {
    await this.db.deleteFrom('passkeys').where('user_id', '=', userId).execute();
  }
}
