/**
 * Short-lived shared state: rate-limit counters, bans, dedup keys, sessions.
 * In memory by default; Redis when `[state] redis` is set, so several nodes share it.
 * Every value expires; nothing here is durable.
 */
export interface StateStore {
  readonly backend: 'memory' | 'redis';
  get(key: string): Promise<string | undefined>;
  /** Sets with a TTL in milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only if absent; true when this call set it (dedup, locks). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Atomic increment; the TTL is set when the key is created. Returns the new value. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Keys with this prefix (for listings such as `ban list`); bounded by `limit`. */
  keys(prefix: string, limit?: number): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
