import type { Kysely } from 'kysely';
import type { ControlTables } from './tables.js';
import type { BanRecord, BanRepository } from './types.js';

type Db = Kysely<ControlTables>;
type Row = ControlTables['guard_bans'];

/** The durable list of bans (guard_bans): written by the guard and the CLI, synced by every node. */
export class Bans implements BanRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async put(ban: { ip: string; reason: string; actor: string; expiresAt: string }): Promise<BanRecord> {
    const now = this.clock().toISOString();
    const row: Row = {
      ip: ban.ip,
      reason: ban.reason,
      actor: ban.actor,
      created_at: now,
      expires_at: ban.expiresAt,
      removed: 0,
      updated_at: now,
    };
    await this.db
      .insertInto('guard_bans')
      .values(row)
      .onConflict((c) =>
        c.column('ip').doUpdateSet({
          reason: row.reason,
          actor: row.actor,
          created_at: row.created_at,
          expires_at: row.expires_at,
          removed: 0,
          updated_at: now,
        }),
      )
      .execute();
    return toRecord(row);
  }

  async remove(ip: string): Promise<boolean> {
    const now = this.clock().toISOString();
    const result = await this.db
      .updateTable('guard_bans')
      .set({ removed: 1, updated_at: now })
      .where('ip', '=', ip)
      .where('removed', '=', 0)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async active(limit = 10_000): Promise<BanRecord[]> {
    const rows = await this.db
      .selectFrom('guard_bans')
      .selectAll()
      .where('removed', '=', 0)
      .where('expires_at', '>', this.clock().toISOString())
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async changedSince(since: string): Promise<BanRecord[]> {
    const rows = await this.db.selectFrom('guard_bans').selectAll().where('updated_at', '>=', since).limit(100_000).execute();
    return rows.map(toRecord);
  }

  async purge(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('guard_bans')
      .where((eb) => eb.or([eb('expires_at', '<', before), eb.and([eb('removed', '=', 1), eb('updated_at', '<', before)])]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toRecord(row: Row): BanRecord {
  return {
    ip: row.ip,
    reason: row.reason,
    actor: row.actor,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    removed: row.removed === 1,
    updatedAt: row.updated_at,
  };
}
