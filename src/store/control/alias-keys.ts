import type { Kysely } from 'kysely';
import { normaliseAddress } from '../../core/address.js';
import { NotFoundError } from '../../core/errors.js';
import type { ControlTables } from './tables.js';
import type { AliasKeyRepository, AliasKeys } from './types.js';

/** alias_keys: one row per alias that has an OpenPGP key or an S/MIME certificate. */
export class AliasKeysTable implements AliasKeyRepository {
  constructor(private readonly db: Kysely<ControlTables>) {}

  async get(address: string): Promise<AliasKeys | undefined> {
    const row = await this.db
      .selectFrom('alias_keys')
      .selectAll()
      .where('address', '=', normaliseAddress(address, { allowCatchAll: true }))
      .executeTakeFirst();
    if (!row || (row.pgp_public_key === null && row.smime_certificate === null)) return undefined;
    return {
      address: row.address,
      ...(row.pgp_public_key ? { pgpPublicKey: row.pgp_public_key } : {}),
      ...(row.smime_certificate ? { smimeCertificate: row.smime_certificate } : {}),
      updatedAt: row.updated_at,
    };
  }

  setPgp(address: string, armoredKey: string | null): Promise<void> {
    return this.set(address, { pgp_public_key: armoredKey });
  }

  setSmime(address: string, pemCertificate: string | null): Promise<void> {
    return this.set(address, { smime_certificate: pemCertificate });
  }

  private async set(address: string, change: { pgp_public_key?: string | null; smime_certificate?: string | null }): Promise<void> {
    const normalised = normaliseAddress(address, { allowCatchAll: true });
    const updated_at = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      const alias = await trx.selectFrom('aliases').select('address').where('address', '=', normalised).executeTakeFirst();
      if (!alias) throw new NotFoundError(`alias ${normalised} does not exist`);
      await trx
        .insertInto('alias_keys')
        .values({ address: normalised, pgp_public_key: null, smime_certificate: null, ...change, updated_at })
        .onConflict((c) => c.column('address').doUpdateSet({ ...change, updated_at }))
        .execute();
    });
  }
}
