import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as initial from './001-initial.js';
import * as aliasKeys from './002-alias-keys.js';
import * as accounts from './004-accounts.js';
import * as guardBans from './006-guard-bans.js';
import * as outbound from './003-outbound.js';

export interface MigrationContext {
  dialect: 'sqlite' | 'postgres';
}

type MigrationModule = { up(db: Kysely<unknown>, context: MigrationContext): Promise<void> };

/** Ordered by name; a later issue adds a file and one line here, never edits an applied migration. */
const MIGRATIONS: Record<string, MigrationModule> = {
  '001-initial': initial,
  '002-alias-keys': aliasKeys,
  '004-accounts': accounts,
  '006-guard-bans': guardBans,
  '003-outbound': outbound,
};

export async function migrate(db: Kysely<unknown>, context: MigrationContext): Promise<void> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, module] of Object.entries(MIGRATIONS)) {
        migrations[name] = { up: (database) => module.up(database, context) };
      }
      return migrations;
    },
  };
  // Migrations are numbered per feature and may land out of order on an existing database.
  const { error } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest();
  if (error) throw error;
}
