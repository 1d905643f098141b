import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { lookupCandidates, normaliseAddress, normaliseDomain, parseAddress } from '../../core/address.js';
import { ConflictError, NotFoundError, UsageError } from '../../core/errors.js';
import { AliasKeysTable } from './alias-keys.js';
import type { AccountTables } from './account-tables.js';
import type { AccountRepository } from './account-types.js';
import { KyselyAccounts } from './kysely-accounts.js';
import { Bans } from './ban-repository.js';
import { DkimKeys, QueueIndex } from './outbound-repositories.js';
import type { ControlTables } from './tables.js';
import type {
  Alias,
  AliasKeyRepository,
  AliasRepository,
  AuditEvent,
  AuditRepository,
  BanRepository,
  ControlStore,
  DkimKeyRepository,
  Domain,
  DomainRepository,
  NewAlias,
  NewAuditEvent,
  QueueRepository,
} from './types.js';

type Db = Kysely<ControlTables>;
type AliasRow = ControlTables['aliases'];

const now = () => new Date().toISOString();

/** The one implementation of the control store; the dialect only changes how it connects. */
export class KyselyControlStore implements ControlStore {
  readonly domains: DomainRepository;
  readonly aliases: AliasRepository;
  readonly audit: AuditRepository;
  readonly aliasKeys: AliasKeyRepository;
  readonly accounts: AccountRepository;
  readonly bans: BanRepository;
  readonly dkimKeys: DkimKeyRepository;
  readonly queue: QueueRepository;

  constructor(
    readonly dialect: 'sqlite' | 'postgres',
    private readonly db: Db,
  ) {
    this.domains = new Domains(db);
    this.aliases = new Aliases(db);
    this.audit = new Audit(db);
    this.aliasKeys = new AliasKeysTable(db);
    this.accounts = new KyselyAccounts(db as unknown as Kysely<AccountTables>);
    this.bans = new Bans(db);
    this.dkimKeys = new DkimKeys(db);
    this.queue = new QueueIndex(db);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

class Domains implements DomainRepository {
  constructor(private readonly db: Db) {}

  async add(input: string): Promise<Domain> {
    const name = normaliseDomain(input);
    const row = { name, verification_token: `sealmail-verify=${randomBytes(16).toString('hex')}`, created_at: now() };
    const inserted = await this.db
      .insertInto('domains')
      .values(row)
      .onConflict((c) => c.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw new ConflictError(`domain ${name} already exists`);
    return toDomain(row);
  }

  async get(input: string): Promise<Domain | undefined> {
    const row = await this.db.selectFrom('domains').selectAll().where('name', '=', normaliseDomain(input)).executeTakeFirst();
    return row && toDomain(row);
  }

  async list(): Promise<Domain[]> {
    const rows = await this.db.selectFrom('domains').selectAll().orderBy('name').execute();
    return rows.map(toDomain);
  }

  async remove(input: string): Promise<string[]> {
    const name = normaliseDomain(input);
    return this.db.transaction().execute(async (trx) => {
      const aliases = await trx.selectFrom('aliases').select('address').where('domain', '=', name).execute();
      await trx.deleteFrom('aliases').where('domain', '=', name).execute();
      const deleted = await trx.deleteFrom('domains').where('name', '=', name).executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw new NotFoundError(`domain ${name} does not exist`);
      return aliases.map((a) => a.address);
    });
  }
}

class Aliases implements AliasRepository {
  constructor(private readonly db: Db) {}

  async add(input: NewAlias): Promise<Alias> {
    const { local, domain } = parseAddress(input.address, { allowCatchAll: true });
    const address = `${local}@${domain}`;
    const forwards = normaliseForwards(input.forwards ?? [], address);
    const mailbox = input.mailbox ?? false;
    if (forwards.length === 0 && !mailbox) {
      throw new UsageError(`alias ${address} needs at least one forward target or a mailbox`);
    }
    if (local === '*' && mailbox) throw new UsageError('a catch-all alias can forward but cannot have a mailbox');
    const row: AliasRow = {
      address,
      domain,
      forwards: JSON.stringify(forwards),
      mailbox: mailbox ? 1 : 0,
      enabled: input.enabled === false ? 0 : 1,
      created_at: now(),
    };
    await this.db.transaction().execute(async (trx) => {
      const owner = await trx.selectFrom('domains').select('name').where('name', '=', domain).executeTakeFirst();
      if (!owner) throw new NotFoundError(`domain ${domain} is not hosted here; add it first`);
      const inserted = await trx
        .insertInto('aliases')
        .values(row)
        .onConflict((c) => c.column('address').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw new ConflictError(`alias ${address} already exists`);
    });
    return toAlias(row);
  }

  async get(input: string): Promise<Alias | undefined> {
    const address = normaliseAddress(input, { allowCatchAll: true });
    const row = await this.db.selectFrom('aliases').selectAll().where('address', '=', address).executeTakeFirst();
    return row && toAlias(row);
  }

  async list(domain?: string): Promise<Alias[]> {
    let query = this.db.selectFrom('aliases').selectAll().orderBy('address');
    if (domain !== undefined) query = query.where('domain', '=', normaliseDomain(domain));
    return (await query.execute()).map(toAlias);
  }

  async update(input: string, change: Partial<Pick<Alias, 'forwards' | 'mailbox' | 'enabled'>>): Promise<Alias> {
    const current = await this.get(input);
    if (!current) throw new NotFoundError(`alias ${input} does not exist`);
    const forwards = change.forwards ? normaliseForwards(change.forwards, current.address) : current.forwards;
    const mailbox = change.mailbox ?? current.mailbox;
    if (forwards.length === 0 && !mailbox) {
      throw new UsageError(`alias ${current.address} needs at least one forward target or a mailbox`);
    }
    const enabled = change.enabled ?? current.enabled;
    await this.db
      .updateTable('aliases')
      .set({ forwards: JSON.stringify(forwards), mailbox: mailbox ? 1 : 0, enabled: enabled ? 1 : 0 })
      .where('address', '=', current.address)
      .execute();
    return { ...current, forwards, mailbox, enabled };
  }

  async remove(input: string): Promise<void> {
    const address = normaliseAddress(input, { allowCatchAll: true });
    const deleted = await this.db.deleteFrom('aliases').where('address', '=', address).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw new NotFoundError(`alias ${address} does not exist`);
  }

  async resolve(recipient: string): Promise<Alias | undefined> {
    const candidates = lookupCandidates(recipient);
    const rows = await this.db.selectFrom('aliases').selectAll().where('address', 'in', candidates).execute();
    for (const candidate of candidates) {
      const row = rows.find((r) => r.address === candidate);
      if (row) return toAlias(row);
    }
    return undefined;
  }
}

class Audit implements AuditRepository {
  constructor(private readonly db: Db) {}

  async record(event: NewAuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        at: event.at ?? now(),
        actor: event.actor,
        action: event.action,
        subject: event.subject,
        detail: JSON.stringify(event.detail),
      })
      .execute();
  }

  async list(options: { limit?: number; action?: string; actor?: string } = {}): Promise<AuditEvent[]> {
    let query = this.db
      .selectFrom('audit_events')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(Math.min(Math.max(options.limit ?? 100, 1), 1000));
    if (options.action) query = query.where('action', '=', options.action);
    if (options.actor) query = query.where('actor', '=', options.actor);
    const rows = await query.execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}

function normaliseForwards(targets: string[], self: string): string[] {
  const normalised = [...new Set(targets.map((t) => normaliseAddress(t)))];
  if (normalised.includes(self)) throw new UsageError(`alias ${self} cannot forward to itself`);
  if (normalised.length > 50) throw new UsageError('at most 50 forward targets per alias');
  return normalised;
}

function toDomain(row: ControlTables['domains']): Domain {
  return { name: row.name, verificationToken: row.verification_token, createdAt: row.created_at };
}

function toAlias(row: AliasRow): Alias {
  return {
    address: row.address,
    domain: row.domain,
    forwards: JSON.parse(row.forwards) as string[],
    mailbox: Number(row.mailbox) === 1,
    enabled: Number(row.enabled) === 1,
    createdAt: row.created_at,
  };
}
