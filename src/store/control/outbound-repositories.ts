import type { Kysely } from 'kysely';
import { normaliseDomain } from '../../core/address.js';
import type { ControlTables } from './tables.js';
import type { DkimAlgorithm, DkimKey, DkimKeyRepository, QueueEntry, QueueRepository } from './types.js';

type Db = Kysely<ControlTables>;

export class DkimKeys implements DkimKeyRepository {
  constructor(private readonly db: Db) {}

  async rotate(input: string, keys: DkimKey[], forgetRetiredBefore: string): Promise<void> {
    const domain = normaliseDomain(input);
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('dkim_keys')
        .where('domain', '=', domain)
        .where('retired_at', 'is not', null)
        .where('retired_at', '<', forgetRetiredBefore)
        .execute();
      await trx.updateTable('dkim_keys').set({ retired_at: now }).where('domain', '=', domain).where('retired_at', 'is', null).execute();
      if (keys.length === 0) return;
      await trx
        .insertInto('dkim_keys')
        .values(
          keys.map((k) => ({
            domain,
            selector: k.selector,
            algorithm: k.algorithm,
            public_key: k.publicKey,
            private_key: k.sealedPrivateKey,
            created_at: k.createdAt,
            retired_at: null,
          })),
        )
        .execute();
    });
  }

  async list(input: string): Promise<DkimKey[]> {
    const rows = await this.db
      .selectFrom('dkim_keys')
      .selectAll()
      .where('domain', '=', normaliseDomain(input))
      .orderBy('created_at', 'desc')
      .orderBy('selector')
      .execute();
    return rows.map((r) => ({
      domain: r.domain,
      selector: r.selector,
      algorithm: r.algorithm as DkimAlgorithm,
      publicKey: r.public_key,
      sealedPrivateKey: r.private_key,
      createdAt: r.created_at,
      ...(r.retired_at ? { retiredAt: r.retired_at } : {}),
    }));
  }
}

type QueueRow = ControlTables['queue_entries'];

export class QueueIndex implements QueueRepository {
  constructor(private readonly db: Db) {}

  async add(entry: QueueEntry): Promise<void> {
    await this.db
      .insertInto('queue_entries')
      .values({
        id: entry.id,
        domain: entry.domain,
        envelope: entry.sealedEnvelope,
        size: entry.size,
        attempts: entry.attempts,
        next_attempt_at: entry.nextAttemptAt,
        created_at: entry.createdAt,
        last_error: entry.lastError ?? null,
      })
      .execute();
  }

  async get(id: string): Promise<QueueEntry | undefined> {
    const row = await this.db.selectFrom('queue_entries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toEntry(row);
  }

  async due(now: string, limit: number): Promise<QueueEntry[]> {
    const rows = await this.db
      .selectFrom('queue_entries')
      .selectAll()
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }

  async list(): Promise<QueueEntry[]> {
    return (await this.db.selectFrom('queue_entries').selectAll().orderBy('created_at').execute()).map(toEntry);
  }

  async update(
    id: string,
    change: Partial<Pick<QueueEntry, 'sealedEnvelope' | 'attempts' | 'nextAttemptAt' | 'lastError'>>,
  ): Promise<void> {
    const set: Partial<QueueRow> = {};
    if (change.sealedEnvelope !== undefined) set.envelope = change.sealedEnvelope;
    if (change.attempts !== undefined) set.attempts = change.attempts;
    if (change.nextAttemptAt !== undefined) set.next_attempt_at = change.nextAttemptAt;
    if (change.lastError !== undefined) set.last_error = change.lastError;
    if (Object.keys(set).length) await this.db.updateTable('queue_entries').set(set).where('id', '=', id).execute();
  }

  async remove(id: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('queue_entries').where('id', '=', id).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  async flush(now: string, id?: string): Promise<number> {
    let query = this.db.updateTable('queue_entries').set({ next_attempt_at: now });
    if (id !== undefined) query = query.where('id', '=', id);
    const updated = await query.executeTakeFirst();
    return Number(updated.numUpdatedRows);
  }
}

function toEntry(row: QueueRow): QueueEntry {
  return {
    id: row.id,
    domain: row.domain,
    sealedEnvelope: row.envelope,
    size: Number(row.size),
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    ...(row.last_error ? { lastError: row.last_error } : {}),
  };
}
