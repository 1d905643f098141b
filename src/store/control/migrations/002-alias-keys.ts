import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** Per-alias encryption keys: an OpenPGP public key and/or an S/MIME certificate (issue 3). */
export async function up(db: Kysely<unknown>, _context: MigrationContext): Promise<void> {
  await db.schema
    .createTable('alias_keys')
    .addColumn('address', 'text', (c) => c.primaryKey().references('aliases.address').onDelete('cascade'))
    .addColumn('pgp_public_key', 'text')
    .addColumn('smime_certificate', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
