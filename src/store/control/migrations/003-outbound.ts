import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** Outbound: DKIM keys (private halves sealed under the master key) and the delivery queue's index. */
export async function up(db: Kysely<unknown>, _context: MigrationContext): Promise<void> {
  await db.schema
    .createTable('dkim_keys')
    .addColumn('domain', 'text', (c) => c.notNull().references('domains.name').onDelete('cascade'))
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .addPrimaryKeyConstraint('dkim_keys_pk', ['domain', 'selector'])
    .execute();
  // The message itself is a sealed file in data_dir/queue; the index holds only what scheduling needs,
  // and the envelope sealed too (addresses are personal data).
  await db.schema
    .createTable('queue_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('queue_entries_due').on('queue_entries').column('next_attempt_at').execute();
}
