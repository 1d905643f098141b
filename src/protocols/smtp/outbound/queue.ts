import { randomBytes } from 'node:crypto';
import { openBytes, sealBytes } from '../../../crypto/aead.js';
import type { Logger } from '../../../log/logger.js';
import type { QueueEntry, QueueRepository } from '../../../store/control/types.js';
import { buildBounce } from './dsn.js';
import { domainOf } from './envelope.js';
import type { QueueSpool } from './spool.js';
import type { Envelope, OutboundClient, OutboundQueue, RecipientResult } from './types.js';

export interface QueueOptions {
  index: QueueRepository;
  spool: QueueSpool;
  /** Seals the envelope in the index (the same derived queue key as the spool). */
  key: Buffer;
  client: OutboundClient;
  log: Logger;
  hostname: string;
  /** Delays (ms) after the 1st, 2nd, … failed attempt; when they run out, the message bounces. */
  scheduleMs: number[];
  concurrency: number;
  concurrencyPerDomain: number;
  pollMs: number;
}

const toIso = (ms: number) => new Date(ms).toISOString();

/**
 * The persistent outbound queue: one entry per destination domain, message sealed on disk,
 * envelope sealed in the index, retried on the schedule, DSN to the sender on failure, and
 * securely deleted as soon as nothing is left to do.
 */
export class PersistentQueue implements OutboundQueue {
  private readonly running = new Set<string>();
  private readonly perDomain = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private tickAgain = false;
  private stopped = true;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: QueueOptions) {}

  async enqueue(envelope: Envelope, raw: Buffer): Promise<string> {
    const messageId = randomBytes(12).toString('hex');
    const byDomain = new Map<string, string[]>();
    for (const rcpt of envelope.to) byDomain.set(domainOf(rcpt), [...(byDomain.get(domainOf(rcpt)) ?? []), rcpt]);
    const now = new Date().toISOString();
    let n = 0;
    for (const [domain, to] of byDomain) {
      const id = `${messageId}-${++n}`;
      this.options.spool.write(id, raw);
      await this.options.index.add({
        id,
        domain,
        sealedEnvelope: this.sealEnvelope(id, { from: envelope.from, to }),
        size: raw.length,
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
      });
    }
    this.options.log.info({ queue_id: messageId, recipients: envelope.to.length, size: raw.length }, 'queued');
    this.kick();
    return messageId;
  }

  /** Starts the scheduler; anything left from before a restart is picked up as it falls due. */
  start(): void {
    this.stopped = false;
    const loop = () => {
      this.kick();
      this.timer = setTimeout(loop, this.options.pollMs);
      this.timer.unref();
    };
    loop();
  }

  /** Stops scheduling and waits (up to `graceMs`) for deliveries in flight. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.running.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.idle.add(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Looks for due entries now (after enqueue, a flush, or a finished delivery). */
  kick(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    this.tick()
      .catch((error) => this.options.log.error({ err: error }, 'queue scan failed'))
      .finally(() => {
        this.ticking = false;
        if (this.tickAgain) {
          this.tickAgain = false;
          this.kick();
        }
      });
  }

  private async tick(): Promise<void> {
    const free = this.options.concurrency - this.running.size;
    if (free <= 0) return;
    const due = await this.options.index.due(new Date().toISOString(), free + this.running.size + 100);
    for (const entry of due) {
      if (this.stopped || this.running.size >= this.options.concurrency) break;
      if (this.running.has(entry.id)) continue;
      const inFlight = this.perDomain.get(entry.domain) ?? 0;
      if (inFlight >= this.options.concurrencyPerDomain) continue;
      this.running.add(entry.id);
      this.perDomain.set(entry.domain, inFlight + 1);
      this.process(entry)
        .catch((error) => this.options.log.error({ err: error, queue_id: entry.id }, 'queue delivery failed'))
        .finally(() => {
          this.running.delete(entry.id);
          this.perDomain.set(entry.domain, (this.perDomain.get(entry.domain) ?? 1) - 1);
          if (this.running.size === 0) for (const wake of this.idle) wake();
          this.kick();
        });
    }
  }

  private async process(listed: QueueEntry): Promise<void> {
    const { index, spool, log } = this.options;
    const entry = await index.get(listed.id);
    if (!entry) return; // deleted with `sealmail queue delete` meanwhile
    const envelope = this.openEnvelope(entry);
    let raw: Buffer;
    try {
      raw = spool.read(entry.id);
    } catch (error) {
      log.error({ err: error, queue_id: entry.id }, 'queued message unreadable; dropped');
      await index.remove(entry.id);
      spool.remove(entry.id);
      return;
    }
    const results = await this.options.client.deliver(envelope, raw);
    const attempts = entry.attempts + 1;
    const delivered = results.filter((r) => r.status === 'delivered');
    const failed = results.filter((r) => r.status === 'failed');
    let deferred = results.filter((r) => r.status === 'deferred');
    const delay = this.options.scheduleMs[attempts - 1];
    if (deferred.length && delay === undefined) {
      failed.push(...deferred.map((r) => ({ ...r, status: 'failed' as const, response: `gave up after ${attempts} attempts: ${r.response}` })));
      deferred = [];
    }
    for (const r of delivered) log.info({ queue_id: entry.id, to: r.recipient, code: r.code }, 'delivered');
    for (const r of failed) log.warn({ queue_id: entry.id, to: r.recipient, code: r.code, reason: r.response }, 'delivery failed');
    if (failed.length && envelope.from) await this.bounce(envelope.from, failed, raw, new Date(entry.createdAt));
    if (deferred.length) {
      const reason = deferred[0]?.response ?? 'deferred';
      log.info({ queue_id: entry.id, attempts, retry_in_ms: delay, reason }, 'delivery deferred');
      await index.update(entry.id, {
        sealedEnvelope: this.sealEnvelope(entry.id, { from: envelope.from, to: deferred.map((r) => r.recipient) }),
        attempts,
        nextAttemptAt: toIso(Date.now() + (delay as number)),
        lastError: reason.slice(0, 300),
      });
      return;
    }
    await index.remove(entry.id);
    spool.remove(entry.id);
  }

  private async bounce(sender: string, failed: RecipientResult[], original: Buffer, arrivalDate: Date): Promise<void> {
    const report = buildBounce({ hostname: this.options.hostname, sender, failed, original, arrivalDate });
    // Null sender: a bounce never bounces (RFC 5321 §4.5.5).
    await this.enqueue({ from: '', to: [sender] }, report);
  }

  private sealEnvelope(id: string, envelope: Envelope): string {
    return sealBytes(this.options.key, Buffer.from(JSON.stringify(envelope)), `envelope:${id}`).toString('base64');
  }

  private openEnvelope(entry: QueueEntry): Envelope {
    return JSON.parse(openBytes(this.options.key, Buffer.from(entry.sealedEnvelope, 'base64'), `envelope:${entry.id}`).toString('utf8'));
  }
}

/** Opens an entry's envelope for the CLI's `queue list`. */
export function openQueuedEnvelope(key: Buffer, entry: QueueEntry): Envelope {
  return JSON.parse(openBytes(key, Buffer.from(entry.sealedEnvelope, 'base64'), `envelope:${entry.id}`).toString('utf8'));
}
