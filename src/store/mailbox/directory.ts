import { createHmac, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { normaliseAddress } from '../../core/address.js';
import { AppError, ConflictError, NotFoundError } from '../../core/errors.js';
import { generateHybridKeyPair, sealTo } from '../../crypto/hybrid-seal.js';
import { DEFAULT_KDF, deriveKek, type KdfParams } from '../../crypto/kdf.js';
import { unwrapKey, wrapKey } from '../../crypto/key-wrap.js';
import { SecretKey } from '../../crypto/secret-key.js';
import type { Logger } from '../../log/logger.js';
import { type Summarise, noSummary } from './ingest.js';
import { fsyncDir } from '../durable-file.js';
import { type KeyFile, publicKeyOf, readKeyFile, shredKeyFile, writeKeyFile } from './key-file.js';
import { MAILBOX_FILE, openMailboxDb } from './mailbox-db.js';
import { type DrainHooks, OpenMailbox } from './open-mailbox.js';
import { createSchema } from './schema.js';
import { encodePayload } from './sealed-payload.js';
import { SealedMailboxSession } from './session.js';
import { Spool } from './spool.js';
import type { MailboxDirectory, MailboxSession, SealedDelivery } from './types.js';

export interface MailboxDirectoryOptions {
  /** `data_dir/mailboxes` */
  root: string;
  /** Turns addresses into directory names (HMAC), so no address appears on disk. */
  namingKey: Buffer;
  summarise?: Summarise;
  idleTtlMs?: number;
  kdf?: KdfParams;
  quotaBytes?: number;
  drainBatchBytes?: number;
  log?: Logger;
  hooks?: DrainHooks;
  /** Benchmark only: the same code on an unencrypted file, to measure what encryption costs. */
  unencryptedForBenchmark?: boolean;
}

/**
 * Encrypted mailboxes on disk: `root/<hmac(address)>/` holds `keys.json` (salt, password slots,
 * public sealing key), `mailbox.db` (encrypted under the data key) and `spool.db` (sealed mail).
 */
export class SealedMailboxDirectory implements MailboxDirectory {
  private readonly open = new Map<string, OpenMailbox>();
  private readonly opening = new Map<string, Promise<OpenMailbox>>();
  private readonly spools = new Map<string, Spool>();
  private readonly namingKey: Buffer;
  private readonly kdf: KdfParams;
  private readonly summarise: Summarise;

  constructor(private readonly options: MailboxDirectoryOptions) {
    this.namingKey = Buffer.from(options.namingKey);
    this.kdf = options.kdf ?? DEFAULT_KDF;
    this.summarise = options.summarise ?? noSummary;
    mkdirSync(options.root, { recursive: true, mode: 0o700 });
  }

  /** The directory name of a mailbox: no address on disk, stable for the master key. */
  idFor(address: string): string {
    return createHmac('sha256', this.namingKey).update(`mailbox:${normaliseAddress(address)}`).digest('hex').slice(0, 40);
  }

  private dirOf(id: string): string {
    return path.join(this.options.root, id);
  }

  /** How many mailboxes currently have their keys in memory (for tests and /healthz). */
  openCount(): number {
    return this.open.size;
  }

  /** For /healthz: the mailbox root is writable (deliveries can be spooled) and how many are unlocked. */
  async health(): Promise<{ unlocked: number }> {
    accessSync(this.options.root, constants.W_OK);
    return { unlocked: this.open.size };
  }

  async exists(address: string): Promise<boolean> {
    return readKeyFile(this.dirOf(this.idFor(address))) !== undefined;
  }

  async create(address: string, password: string): Promise<void> {
    const id = this.idFor(address);
    const dir = this.dirOf(id);
    if (readKeyFile(dir)) throw new ConflictError('mailbox exists');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A leftover from a crash before keys.json was written is not a mailbox yet: start over.
    for (const name of [MAILBOX_FILE, `${MAILBOX_FILE}-wal`, `${MAILBOX_FILE}-shm`]) rmSync(path.join(dir, name), { force: true });
    const dataKey = SecretKey.random();
    const pair = generateHybridKeyPair();
    const salt = randomBytes(16);
    const kek = await deriveKek(password, salt, this.kdf);
    try {
      const db = openMailboxDb(path.join(dir, MAILBOX_FILE), this.options.unencryptedForBenchmark ? null : dataKey, { create: true });
      try {
        createSchema(db, pair.secretKey, this.options.quotaBytes ?? 1024 ** 3);
        db.prepare("insert into meta (key, value) values ('address', ?)").run(normaliseAddress(address));
      } finally {
        db.close();
      }
      const slotId = randomBytes(8).toString('hex');
      const file: KeyFile = {
        version: 1,
        kdf: this.kdf,
        salt: salt.toString('base64'),
        publicKey: {
          x25519: Buffer.from(pair.publicKey.x25519).toString('base64'),
          mlkem: Buffer.from(pair.publicKey.mlkem).toString('base64'),
        },
        slots: [{ id: slotId, label: 'initial', createdAt: new Date().toISOString(), wrapped: wrapKey(kek, dataKey, `${id}:${slotId}`).toString('base64') }],
      };
      new Spool(dir).close();
      writeKeyFile(dir, file);
    } finally {
      kek.dispose();
      dataKey.dispose();
      pair.secretKey.x25519.fill(0);
      pair.secretKey.mlkem.fill(0);
    }
  }

  private spoolFor(id: string): Spool {
    let spool = this.spools.get(id);
    if (!spool) {
      spool = new Spool(this.dirOf(id));
      this.spools.set(id, spool);
    }
    return spool;
  }

  async deliver(address: string, raw: Buffer, options: SealedDelivery = {}): Promise<void> {
    const id = this.idFor(address);
    const file = readKeyFile(this.dirOf(id));
    if (!file) throw new NotFoundError('no such mailbox');
    const payload = encodePayload(raw, options);
    const sealed = sealTo(publicKeyOf(file), payload);
    payload.fill(0);
    this.spoolFor(id).append(sealed);
    const open = this.open.get(id);
    if (open?.alive) {
      open.drain().catch((error: unknown) => this.options.log?.error({ err: publicOf(error) }, 'mailbox drain failed'));
    }
  }

  /** Argon2id once, whatever happens: unknown address, wrong password and success cost the same. */
  private async unwrapDataKey(address: string, password: string): Promise<{ id: string; file: KeyFile; key: SecretKey; slot: string } | undefined> {
    let id: string;
    try {
      id = this.idFor(address);
    } catch {
      await this.dummyKdf(address, password);
      return undefined;
    }
    const file = readKeyFile(this.dirOf(id));
    if (!file) {
      await this.dummyKdf(address, password);
      return undefined;
    }
    const kek = await deriveKek(password, Buffer.from(file.salt, 'base64'), file.kdf);
    try {
      for (const slot of file.slots) {
        const key = unwrapKey(kek, Buffer.from(slot.wrapped, 'base64'), `${id}:${slot.id}`);
        if (key) return { id, file, key, slot: slot.id };
      }
      return undefined;
    } finally {
      kek.dispose();
    }
  }

  private async dummyKdf(address: string, password: string): Promise<void> {
    const salt = createHmac('sha256', this.namingKey).update(`dummy-salt:${address}`).digest().subarray(0, 16);
    (await deriveKek(password, salt, this.kdf)).dispose();
  }

  async unlock(address: string, password: string): Promise<MailboxSession | undefined> {
    const unwrapped = await this.unwrapDataKey(address, password);
    if (!unwrapped) return undefined;
    const mailbox = await this.openMailbox(unwrapped.id, unwrapped.file, unwrapped.key);
    mailbox.acquire();
    const session = new SealedMailboxSession(normaliseAddress(address), mailbox, this.summarise, (m) =>
      m.releaseSession(this.options.idleTtlMs ?? 300_000, () => {
        if (this.open.get(m.id) === m) this.evict(m.id);
      }),
    );
    try {
      const report = await mailbox.drain();
      if (report.unreadable) this.options.log?.warn({ count: report.unreadable }, 'sealed spool rows could not be opened');
    } catch (error) {
      // The spool keeps what was not drained; the next unlock retries. The session still works.
      this.options.log?.error({ err: publicOf(error) }, 'mailbox drain failed');
    }
    return session;
  }

  /** One OpenMailbox per mailbox; `key` is consumed (kept or zeroed). */
  private async openMailbox(id: string, file: KeyFile, key: SecretKey): Promise<OpenMailbox> {
    const existing = this.open.get(id);
    if (existing?.alive) {
      key.dispose();
      return existing;
    }
    const pending = this.opening.get(id);
    if (pending) {
      key.dispose();
      return pending;
    }
    const start = (async () => {
      let db: ReturnType<typeof openMailboxDb> | undefined;
      try {
        db = openMailboxDb(path.join(this.dirOf(id), MAILBOX_FILE), this.options.unencryptedForBenchmark ? null : key, { create: false });
        const row = db.prepare('select x25519, mlkem from keypair where id = 1').get() as { x25519: Buffer; mlkem: Buffer };
        const mailbox = new OpenMailbox(id, db, key, row, publicKeyOf(file), this.spoolFor(id), {
          summarise: this.summarise,
          drainBatchBytes: this.options.drainBatchBytes ?? 64 * 1024 * 1024,
          hooks: this.options.hooks ?? {},
        });
        this.open.set(id, mailbox);
        return mailbox;
      } catch (error) {
        db?.close();
        key.dispose();
        if (error instanceof AppError) throw error;
        throw new AppError('mailbox_unreadable', 'mailbox file is damaged', { cause: error, temporary: true });
      }
    })();
    this.opening.set(id, start);
    try {
      return await start;
    } finally {
      this.opening.delete(id);
    }
  }

  private evict(id: string): void {
    const mailbox = this.open.get(id);
    if (!mailbox) return;
    this.open.delete(id);
    mailbox.release();
  }

  async addPassword(address: string, currentPassword: string, newPassword: string, label = 'app'): Promise<string> {
    const unwrapped = await this.requireKey(address, currentPassword);
    try {
      const slotId = randomBytes(8).toString('hex');
      const kek = await deriveKek(newPassword, Buffer.from(unwrapped.file.salt, 'base64'), unwrapped.file.kdf);
      const wrapped = wrapKey(kek, unwrapped.key, `${unwrapped.id}:${slotId}`).toString('base64');
      kek.dispose();
      const file = readKeyFile(this.dirOf(unwrapped.id)) ?? unwrapped.file;
      file.slots.push({ id: slotId, label, createdAt: new Date().toISOString(), wrapped });
      writeKeyFile(this.dirOf(unwrapped.id), file);
      return slotId;
    } finally {
      unwrapped.key.dispose();
    }
  }

  async revokePassword(address: string, currentPassword: string, passwordId: string): Promise<void> {
    const unwrapped = await this.requireKey(address, currentPassword);
    unwrapped.key.dispose();
    const file = readKeyFile(this.dirOf(unwrapped.id)) ?? unwrapped.file;
    if (!file.slots.some((s) => s.id === passwordId)) throw new NotFoundError('no such password');
    if (file.slots.length === 1) throw new ConflictError('cannot revoke the last password');
    file.slots = file.slots.filter((s) => s.id !== passwordId);
    writeKeyFile(this.dirOf(unwrapped.id), file);
  }

  /** Replaces the password that `currentPassword` is (same slot label), never touching the mailbox file. */
  async changePassword(address: string, currentPassword: string, newPassword: string): Promise<string> {
    const unwrapped = await this.requireKey(address, currentPassword);
    const file = readKeyFile(this.dirOf(unwrapped.id)) ?? unwrapped.file;
    const old = file.slots.find((s) => s.id === unwrapped.slot);
    unwrapped.key.dispose();
    const id = await this.addPassword(address, currentPassword, newPassword, old?.label ?? 'app');
    const after = readKeyFile(this.dirOf(unwrapped.id))!;
    after.slots = after.slots.filter((s) => s.id !== unwrapped.slot);
    writeKeyFile(this.dirOf(unwrapped.id), after);
    return id;
  }

  /** Password slots (ids and labels only), e.g. for `alias passwd --list`. */
  async passwords(address: string): Promise<Array<{ id: string; label: string; createdAt: string }>> {
    const file = readKeyFile(this.dirOf(this.idFor(address)));
    if (!file) throw new NotFoundError('no such mailbox');
    return file.slots.map(({ id, label, createdAt }) => ({ id, label, createdAt }));
  }

  private async requireKey(address: string, password: string) {
    const unwrapped = await this.unwrapDataKey(address, password);
    if (!unwrapped) throw new AppError('auth_failed', 'wrong password or no such mailbox');
    return unwrapped;
  }

  async reset(address: string, newPassword: string, options: { keepOld: boolean }): Promise<void> {
    const id = this.idFor(address);
    const dir = this.dirOf(id);
    if (existsSync(dir)) {
      if (options.keepOld) {
        this.forget(id);
        renameSync(dir, `${dir}.old-${new Date().toISOString().replace(/[:.]/g, '')}`);
        fsyncDir(this.options.root);
      } else {
        await this.destroy(address);
      }
    }
    await this.create(address, newPassword);
  }

  private forget(id: string): void {
    this.evict(id);
    this.spools.get(id)?.close();
    this.spools.delete(id);
  }

  async destroy(address: string): Promise<void> {
    const id = this.idFor(address);
    const dir = this.dirOf(id);
    this.forget(id);
    if (!existsSync(dir)) return;
    shredKeyFile(dir);
    rmSync(dir, { recursive: true, force: true });
    fsyncDir(this.options.root);
  }

  async close(): Promise<void> {
    for (const id of [...this.open.keys()]) this.evict(id);
    for (const spool of this.spools.values()) spool.close();
    this.spools.clear();
    this.namingKey.fill(0);
  }
}

function publicOf(error: unknown): string {
  return error instanceof AppError ? error.publicMessage : 'internal error';
}
