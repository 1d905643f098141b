import { randomUUID } from 'node:crypto';

/** The Redis every test shares (CI starts one on 127.0.0.1:6379). */
export const TEST_REDIS = process.env.SEALMAIL_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/** A fresh key namespace, so tests (and helpers running in parallel) never see each other's keys. */
export function testRedisPrefix(): string {
  return `sealmail-test-${randomUUID().slice(0, 8)}:`;
}

/** Dotted config overrides that put a test server's state into its own Redis namespace. */
export function redisStateConfig(prefix = testRedisPrefix()): Record<string, string> {
  return { 'state.redis': TEST_REDIS, 'state.prefix': prefix };
}
