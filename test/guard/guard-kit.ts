import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { configSchema, type Config } from '../../src/config/schema.js';
import { Anonymiser } from '../../src/log/anonymise.js';
import { createLogger } from '../../src/log/logger.js';
import { Guard } from '../../src/security/guard/guard.js';
import { openSqliteControlStore } from '../../src/store/control/open.js';
import type { ControlStore } from '../../src/store/control/types.js';
import { MemoryStateStore } from '../../src/store/state/memory.js';
import { RedisStateStore } from '../../src/store/state/redis.js';
import type { StateStore } from '../../src/store/state/types.js';
import { TEST_REDIS, testRedisPrefix } from '../kit/redis.js';

export type Backend = 'memory' | 'redis';
export const BACKENDS: Backend[] = ['memory', 'redis'];

export interface GuardFixture {
  guard: Guard;
  state: StateStore;
  control: ControlStore;
  logs(): string;
  /** Another guard (another node) on the same control store and, with Redis, the same state. */
  peer(): Promise<Guard>;
  close(): Promise<void>;
}

/** A real guard on a real state store (memory or Redis) and a real encrypted SQLite control store. */
export async function guardFixture(backend: Backend, guardConfig: Record<string, unknown> = {}): Promise<GuardFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-guard-'));
  const control = await openSqliteControlStore(path.join(dir, 'control.db'), randomBytes(32));
  const prefix = testRedisPrefix();
  const openState = async (): Promise<StateStore> => {
    if (backend === 'memory') return new MemoryStateStore();
    const store = new RedisStateStore({ url: TEST_REDIS, prefix });
    await store.connect();
    return store;
  };
  const config: Config['guard'] = configSchema.parse({ guard: guardConfig }).guard;
  const lines: string[] = [];
  const log = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  });
  const dns = { resolve: async () => Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' })) };
  const make = (state: StateStore) => new Guard({ config, state, control, dns, log, anonymiser: new Anonymiser() });
  const state = await openState();
  const extra: StateStore[] = [];
  return {
    guard: make(state),
    state,
    control,
    logs: () => lines.join(''),
    async peer() {
      const other = await openState();
      extra.push(other);
      return make(other);
    },
    async close() {
      await Promise.all([state.close(), ...extra.map((s) => s.close())]);
      await control.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
