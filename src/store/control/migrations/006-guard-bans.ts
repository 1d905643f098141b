import type { Kysely } from 'kysely';

/**
 * Bans made by the guard or with `sealmail ban`: the durable record every node syncs its fast
 * ban cache (the state store) from, so a CLI ban reaches a running server without a restart.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('guard_bans')
    .addColumn('ip', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('removed', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guard_bans_updated_at').on('guard_bans').column('updated_at').execute();
}
