import type { StateStore } from './types.js';

interface Entry {
  value: string;
  expires: number;
}

/**
 * The in-process StateStore: a Map with per-key expiry. Expired keys are dropped when read and by a
 * periodic sweep, so memory stays bounded by what is live. One process only: several nodes need Redis.
 */
export class MemoryStateStore implements StateStore {
  readonly backend = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly clock: () => number = Date.now,
    sweepEveryMs = 30_000,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expires: this.clock() + positive(ttlMs) });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.entries.set(key, { value, expires: this.clock() + positive(ttlMs) });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const entry = this.live(key);
    if (!entry) {
      this.entries.set(key, { value: '1', expires: this.clock() + positive(ttlMs) });
      return 1;
    }
    const next = (Number.parseInt(entry.value, 10) || 0) + 1;
    entry.value = String(next);
    return next;
  }

  async keys(prefix: string, limit = 1000): Promise<string[]> {
    const found: string[] = [];
    for (const key of this.entries.keys()) {
      if (found.length >= limit) break;
      if (key.startsWith(prefix) && this.live(key)) found.push(key);
    }
    return found;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.clock();
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}

function positive(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive number');
  return Math.ceil(ttlMs);
}
