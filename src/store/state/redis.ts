import { Redis } from 'ioredis';
import { AppError } from '../../core/errors.js';
import type { StateStore } from './types.js';

export interface RedisStateOptions {
  url: string;
  /** Namespace for every key, so several deployments (or test runs) can share one Redis. */
  prefix?: string;
}

// INCR that sets the TTL only when it created the key, in one round trip and atomically.
const INCREMENT = `local v = redis.call('INCR', KEYS[1])
if v == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return v`;

/** The shared StateStore: every node of a deployment sees the same counters and bans. */
export class RedisStateStore implements StateStore {
  readonly backend = 'redis' as const;
  readonly prefix: string;

  /** The connection, for rate-limiter-flexible's RateLimiterRedis (same server, same namespace). */
  readonly client: Redis;

  constructor(options: RedisStateOptions) {
    this.prefix = options.prefix ?? 'sealmail:';
    this.client = new Redis(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      connectTimeout: 5000,
      enableOfflineQueue: true,
    });
    // Connection errors surface through the failing command; an unhandled 'error' event would crash.
    this.client.on('error', () => {});
  }

  async connect(): Promise<void> {
    try {
      await this.client.connect();
    } catch (error) {
      this.client.disconnect();
      throw new AppError('state_unavailable', 'cannot connect to the Redis state store', { cause: error });
    }
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(this.prefix + key, value, 'PX', positive(ttlMs));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(this.prefix + key, value, 'PX', positive(ttlMs), 'NX')) === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    return Number(await this.client.eval(INCREMENT, 1, this.prefix + key, positive(ttlMs)));
  }

  async keys(prefix: string, limit = 1000): Promise<string[]> {
    const found = new Set<string>();
    let cursor = '0';
    const pattern = `${escapeGlob(this.prefix + prefix)}*`;
    do {
      const [next, batch] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      for (const key of batch) {
        if (found.size >= limit) break;
        found.add(key.slice(this.prefix.length));
      }
      cursor = next;
    } while (cursor !== '0' && found.size < limit);
    return [...found];
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

function positive(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive number');
  return Math.ceil(ttlMs);
}
