import { describe, expect, it } from 'vitest';
import { stateStoreContract } from '../../../test/store/state-store.contract.js';
import { MemoryStateStore } from './memory.js';
import { openStateStore } from './open.js';
import { RedisStateStore } from './redis.js';

import { TEST_REDIS, testRedisPrefix } from '../../../test/kit/redis.js';

stateStoreContract('memory', async () => new MemoryStateStore());
stateStoreContract('redis', async () => {
  const store = new RedisStateStore({ url: TEST_REDIS, prefix: testRedisPrefix() });
  await store.connect();
  return store;
});

describe('openStateStore', () => {
  it('opens memory without [state] redis and Redis with it', async () => {
    const memory = await openStateStore({ state: { prefix: 'x:' } });
    expect(memory.backend).toBe('memory');
    await memory.close();
    const redis = await openStateStore({ state: { redis: TEST_REDIS, prefix: testRedisPrefix() } });
    expect(redis.backend).toBe('redis');
    await redis.close();
  });

  it('fails with a clean error when Redis cannot be reached', async () => {
    await expect(openStateStore({ state: { redis: 'redis://127.0.0.1:1', prefix: 'x:' } })).rejects.toThrow(
      'cannot connect to the Redis state store',
    );
  });
});
