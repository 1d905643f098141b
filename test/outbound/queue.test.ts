import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer } from '../kit/cli.js';
import { startDnsServer, type TestDnsServer } from '../kit/dns-server.js';
import { freePort, startTestServer, type TestServer, toToml } from '../kit/server.js';
import { startSmtpSink } from '../kit/smtp-sink.js';

const token = () => `tok${randomBytes(8).toString('hex')}`;
const message = (from: string, to: string, t: string) =>
  Buffer.from(`From: ${from}\r\nTo: ${to}\r\nSubject: queued ${t}\r\nMessage-ID: <${t}@home.test>\r\n\r\nsecret body ${t}\r\n`);

/** grep -r over the data dir: the files that contain `needle` (none is what we want). */
function grepDataDir(dir: string, needle: string): string[] {
  try {
    return execFileSync('grep', ['-r', '-l', '-a', needle, dir]).toString().trim().split('\n');
  } catch (error) {
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

const until = async (check: () => Promise<boolean> | boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('outbound queue: encrypted, retried, bounced, survives restarts', () => {
  let dns: TestDnsServer;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    dns = await startDnsServer({
      'dest.test': [{ type: 'MX', exchange: 'mx.dest.test', priority: 10 }],
      'mx.dest.test': [{ type: 'A', address: '127.0.0.6' }],
      'home.test': [{ type: 'MX', exchange: 'mx.home.test', priority: 10 }],
      'mx.home.test': [{ type: 'A', address: '127.0.0.7' }],
    });
  });
  afterAll(async () => {
    await dns?.close();
  });

  describe('in process, short retry schedule', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({
        config: {
          'dns.servers': [dns.server],
          'delivery.port': port,
          'delivery.timeout': '3s',
          'delivery.retry_schedule': ['1s', '1s', '1s', '1s'],
          'delivery.poll_interval': '200ms',
        },
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('retries until the MX answers, delivers once, then erases the message', async () => {
      const t = token();
      const queue = server.server.context.queue;
      const id = await queue.enqueue({ from: 'me@home.test', to: ['you@dest.test'] }, message('me@home.test', 'you@dest.test', t));
      expect(id).toMatch(/^[a-f0-9]{24}$/);
      const index = server.server.context.control.queue;
      await until(async () => (await index.list()).some((e) => e.attempts >= 1), 10_000);
      const [entry] = await index.list();
      expect(entry?.lastError).toMatch(/reached|connection/i);
      // The index holds the envelope sealed: no address in clear.
      expect(Buffer.from(entry?.sealedEnvelope ?? '', 'base64').includes(Buffer.from('you@dest.test'))).toBe(false);
      expect(grepDataDir(server.dataDir, t)).toEqual([]);

      const sink = await startSmtpSink({ host: '127.0.0.6', port });
      try {
        await sink.waitFor(1, 15_000);
        await until(async () => (await index.list()).length === 0);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(sink.messages.filter((m) => m.raw.includes(t))).toHaveLength(1);
        expect(readdirSync(path.join(server.dataDir, 'queue'))).toEqual([]);
      } finally {
        await sink.close();
      }
    });

    it('bounces a permanent failure to the sender with an RFC 3464 report', async () => {
      const t = token();
      const dest = await startSmtpSink({ host: '127.0.0.6', port, rejectRecipient: () => ({ code: 550, message: '5.1.1 no such user here' }) });
      const home = await startSmtpSink({ host: '127.0.0.7', port });
      try {
        await server.server.context.queue.enqueue({ from: 'me@home.test', to: ['nobody@dest.test'] }, message('me@home.test', 'nobody@dest.test', t));
        const [dsn] = await home.waitFor(1, 15_000);
        expect(dsn?.from).toBe('');
        expect(dsn?.to).toEqual(['me@home.test']);
        const text = dsn?.raw.toString() ?? '';
        expect(text).toMatch(/Content-Type: multipart\/report; report-type=delivery-status/);
        expect(text).toMatch(/Final-Recipient: rfc822; nobody@dest\.test/);
        expect(text).toMatch(/Action: failed/);
        expect(text).toMatch(/Status: 5\.1\.1/);
        expect(text).toMatch(/Content-Type: text\/rfc822-headers/);
        // Headers only: the body of the bounced message is not sent back around.
        expect(text).not.toMatch(/secret body/);
        expect(dest.messages).toHaveLength(0);
      } finally {
        await dest.close();
        await home.close();
      }
    });

    it('gives up after the last retry and bounces', async () => {
      const t = token();
      const home = await startSmtpSink({ host: '127.0.0.7', port });
      try {
        await server.server.context.queue.enqueue({ from: 'me@home.test', to: ['late@dest.test'] }, message('me@home.test', 'late@dest.test', t));
        const [dsn] = await home.waitFor(1, 30_000);
        expect(dsn?.raw.toString()).toMatch(/gave up after 5 attempts/);
        expect(dsn?.raw.toString()).toMatch(/Final-Recipient: rfc822; late@dest\.test/);
      } finally {
        await home.close();
      }
    });
  });

  it('SIGKILL with queued mail, restart: each message delivered exactly once; nothing readable on disk', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sealmail-queue-'));
    const overrides = {
      'dns.servers': [dns.server],
      'delivery.port': port,
      'delivery.timeout': '3s',
      'delivery.retry_schedule': ['1h', '1h', '1h'],
      'delivery.poll_interval': '200ms',
      'logs.file': true,
    };
    const tokens = [token(), token(), token()];
    const first = await startTestServer({ dataDir, config: overrides });
    const ids: string[] = [];
    try {
      for (const t of tokens) {
        ids.push(await first.server.context.queue.enqueue({ from: 'me@home.test', to: [`${t}@dest.test`] }, message('me@home.test', `${t}@dest.test`, t)));
      }
      // The destination is down: every entry is deferred for an hour.
      await until(async () => (await first.server.context.control.queue.list()).filter((e) => e.attempts === 1).length === 3);
      const listed = JSON.parse((await first.cli(['--json', 'queue', 'list'])).stdout) as Array<Record<string, unknown>>;
      expect(listed).toHaveLength(3);
      expect(listed[0]).toMatchObject({ from: 'me@home.test', to: [`${tokens[0]}@dest.test`], attempts: 1 });
      expect(String(listed[0]?.lastError)).toMatch(/reached|connection/i);
    } finally {
      await first.close();
    }
    const configFile = path.join(dataDir, 'child.toml');
    const { tls: _tls, ...config } = first.config;
    writeFileSync(configFile, toToml(config));
    const cli = (args: string[]) => runCli(['--config', configFile, ...args]);

    // Dropped from the queue by the operator: must never be delivered.
    expect((await cli(['queue', 'delete', ids[2] as string])).code).toBe(0);
    expect(readdirSync(path.join(dataDir, 'queue'))).toHaveLength(2);

    const killed = await spawnServer(['--config', configFile]);
    expect((await cli(['queue', 'flush'])).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await killed.stop('SIGKILL');

    const sink = await startSmtpSink({ host: '127.0.0.6', port });
    const restarted = await spawnServer(['--config', configFile]);
    try {
      // Entries the killed server left due are picked up at start; the rest are made due now.
      expect((await cli(['queue', 'flush'])).code).toBe(0);
      await sink.waitFor(2, 20_000);
      await until(() => readdirSync(path.join(dataDir, 'queue')).length === 0);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const t of tokens.slice(0, 2)) expect(sink.messages.filter((m) => m.raw.includes(t))).toHaveLength(1);
      expect(sink.messages.filter((m) => m.raw.includes(tokens[2] as string))).toHaveLength(0);
      expect(sink.messages).toHaveLength(2);
      expect(JSON.parse((await cli(['--json', 'queue', 'list'])).stdout)).toEqual([]);
    } finally {
      await restarted.stop();
      await sink.close();
    }
    // No token of any message, nor any recipient (the envelope is sealed too), in the data dir or its logs.
    for (const t of tokens) expect(grepDataDir(dataDir, t)).toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
  }, 240_000);
});
