import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import type { Guard } from '../src/security/guard/guard.js';
import { BACKENDS, type GuardFixture, guardFixture } from '../test/guard/guard-kit.js';

/*
 * Guard overhead per connection and per auth check, on memory and on Redis (127.0.0.1:6379).
 * Run: npm run bench:guard. Prints µs per call (mean, p50, p99) and calls per second, sequential
 * calls (the latency one listener sees), after a warm-up.
 */
type Case = [name: string, run: (guard: Guard, ip: string) => Promise<void>];

const CASES: Case[] = [
  [
    'per connection: onConnect + release',
    async (g, ip) => {
      (await g.onConnect(ip, 'imap')).release();
    },
  ],
  ['ban check: isBanned', async (g, ip) => void (await g.isBanned(ip))],
  ['per auth check: beforeAuth', async (g, ip) => void (await g.beforeAuth(ip, 'alice@example.org'))],
  [
    'per failed auth: beforeAuth + onAuthFailure',
    async (g, ip) => {
      await g.beforeAuth(ip, 'alice@example.org');
      await g.onAuthFailure(ip, 'alice@example.org');
    },
  ],
  ['per unknown recipient: onUnknownRecipient', async (g, ip) => void (await g.onUnknownRecipient(ip, 'c'))],
];

const rows: string[] = [];
let n = 0;
const nextIp = () => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n++ & 255}`;

describe.each(BACKENDS)('guard overhead on %s', (backend) => {
  let fx: GuardFixture;
  afterAll(async () => {
    await fx?.close();
  });

  it('measures', async () => {
    // Thresholds high enough that nothing is banned or delayed: this measures the bookkeeping.
    fx = await guardFixture(backend, {
      max_connections_per_ip: 1_000_000,
      auth: { ip_failures: 1_000_000, account_failures: 1_000_000, free_failures: 1000, delay_ms: 0 },
      recipients: { unknown_per_connection: 1_000_000, unknown_per_ip: 1_000_000 },
    });
    const iterations = backend === 'memory' ? 20_000 : 3000;
    for (const [name, run] of CASES) {
      for (let i = 0; i < 300; i++) await run(fx.guard, nextIp());
      const samples = new Float64Array(iterations);
      const started = performance.now();
      for (let i = 0; i < iterations; i++) {
        const t = performance.now();
        await run(fx.guard, nextIp());
        samples[i] = performance.now() - t;
      }
      const total = performance.now() - started;
      samples.sort();
      const us = (ms: number) => (ms * 1000).toFixed(1).padStart(8);
      rows.push(
        `${backend.padEnd(7)} ${name.padEnd(46)} mean ${us(total / iterations)} µs  p50 ${us(samples[Math.floor(iterations / 2)]!)} µs  p99 ${us(samples[Math.floor(iterations * 0.99)]!)} µs  ${Math.round((iterations / total) * 1000)} calls/s`,
      );
    }
    expect(await fx.guard.isBanned('10.0.0.1')).toBe(false);
  });
});

afterAll(() => {
  process.stdout.write(`\nguard overhead (sequential calls, ${process.version})\n${rows.join('\n')}\n\n`);
});
