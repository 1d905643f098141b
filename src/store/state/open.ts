import type { Config } from '../../config/schema.js';
import { MemoryStateStore } from './memory.js';
import { RedisStateStore } from './redis.js';
import type { StateStore } from './types.js';

/** Opens the state store chosen by config: Redis when `[state] redis` is set, else in memory. */
export async function openStateStore(config: Pick<Config, 'state'>): Promise<StateStore> {
  if (!config.state.redis) return new MemoryStateStore();
  const store = new RedisStateStore({ url: config.state.redis, prefix: config.state.prefix });
  await store.connect();
  return store;
}
