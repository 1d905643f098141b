import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { RedisStateStore } from '../../store/state/redis.js';
import type { StateStore } from '../../store/state/types.js';

export interface CounterOptions {
  name: string;
  points: number;
  durationS: number;
  /** Per-connection counters never leave the process, whatever the state backend. */
  local?: boolean;
}

/**
 * A named counter on rate-limiter-flexible: in memory, or in the same Redis (and key namespace) as
 * the state store so every node counts together. `hit` returns how many points the key has used.
 */
export class Counter {
  private readonly limiter: RateLimiterAbstract;

  constructor(state: StateStore, readonly options: CounterOptions) {
    const common = { points: options.points, duration: options.durationS };
    this.limiter =
      state instanceof RedisStateStore && !options.local
        ? new RateLimiterRedis({ ...common, storeClient: state.client, keyPrefix: `${state.prefix}rl:${options.name}` })
        : new RateLimiterMemory({ ...common, keyPrefix: options.name });
  }

  /** Adds one; returns the points used in the current window (over `points` once exhausted). */
  async hit(key: string): Promise<number> {
    try {
      return (await this.limiter.consume(key)).consumedPoints;
    } catch (rejection) {
      if (rejection instanceof Error) throw rejection;
      return (rejection as RateLimiterRes).consumedPoints;
    }
  }

  async used(key: string): Promise<number> {
    return (await this.limiter.get(key))?.consumedPoints ?? 0;
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
