import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testCertificateFiles } from '../kit/certs.js';
import { runCli, type ServerProcess, spawnServer } from '../kit/cli.js';
import { redisStateConfig, TEST_REDIS, testRedisPrefix } from '../kit/redis.js';
import { freePort, startTestServer, type TestServer, toToml } from '../kit/server.js';
import { connectLines, droppedSilently, httpsStatus } from './clients.js';

const SCANNER = '127.5.0.3';
const BYSTANDER = '127.5.1.3';

async function eventually(check: () => Promise<boolean>, timeoutMs = 8000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe.each(['memory', 'redis'] as const)('trap ports and `sealmail ban` on %s state', (backend) => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('one connection to a trap port bans the IP on the real SMTP, IMAP and HTTPS listeners', async () => {
    const trap = await freePort();
    server = await startTestServer({
      listeners: ['https', 'smtp', 'imaps'],
      config: { ...(backend === 'redis' ? redisStateConfig() : {}), 'guard.trap_ports': [trap] },
    });
    const guard = server.server.context.guard;
    expect(await httpsStatus(server.ports.https!, SCANNER)).toBe(200);
    const before = await connectLines(server.ports.imaps!, SCANNER, { secure: true });
    expect(await before.next()).toMatch(/^\* OK/);
    before.close();

    expect(await droppedSilently(trap, SCANNER)).toBe(true);
    expect(await eventually(() => guard.isBanned(SCANNER))).toBe(true);

    expect(await httpsStatus(server.ports.https!, SCANNER)).toBe('dropped');
    const mx = await connectLines(server.ports.smtp!, SCANNER);
    expect(await mx.next()).toMatch(/^554 5\.7\.1 /);
    await mx.closed;
    const login = await connectLines(server.ports.imaps!, SCANNER, { secure: true });
    expect(await login.next()).toBe('* BYE [UNAVAILABLE] banned');
    await login.closed;
    expect(await httpsStatus(server.ports.https!, BYSTANDER)).toBe(200);
    const other = await connectLines(server.ports.imaps!, BYSTANDER, { secure: true });
    expect(await other.next()).toMatch(/^\* OK/);
    other.close();
    expect((await guard.bans.info(SCANNER))?.reason).toBe(`trap:${trap}`);
  });

  it('a TLS hello on plain SMTP, HTTP on plain IMAP and on submission count toward a ban on every listener', async () => {
    server = await startTestServer({
      listeners: ['https', 'smtp', 'submission', 'imap', 'pop3'],
      config: { ...(backend === 'redis' ? redisStateConfig() : {}), 'guard.misuse.threshold': 3 },
    });
    const guard = server.server.context.guard;
    const clientHello = Buffer.from('16030100c4010000c00303', 'hex');
    // Sent after the greeting, as a scanner that speaks first would be answered by it.
    const probe = async (port: number, payload: Buffer) => {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress: SCANNER });
      socket.on('error', () => {});
      socket.once('data', () => socket.write(payload));
      // The server drops a misusing client at once; a listener that does not would hang here.
      const timer = setTimeout(() => socket.destroy(), 5000);
      await new Promise((resolve) => socket.once('close', resolve));
      clearTimeout(timer);
    };
    await probe(server.ports.smtp!, clientHello);
    await probe(server.ports.imap!, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(await guard.isBanned(SCANNER)).toBe(false);
    // An honest client on the same ports is not counted: a plain EHLO and an IMAP command.
    const honest = await connectLines(server.ports.smtp!, BYSTANDER);
    expect(await honest.next()).toMatch(/^220 /);
    honest.send('EHLO client.example');
    expect(await honest.next()).toMatch(/^250/);
    honest.close();
    await probe(server.ports.submission!, Buffer.from('POST /login HTTP/1.0\r\n\r\n'));
    // The protocol server may hang up on the garbage before the guard has written the ban.
    expect(await eventually(() => guard.isBanned(SCANNER))).toBe(true);
    expect(await guard.isBanned(BYSTANDER)).toBe(false);
    expect((await guard.bans.info(SCANNER))?.reason).toBe('misuse:http_on_mail_port');
    const pop = await connectLines(server.ports.pop3!, SCANNER);
    expect(await pop.next()).toBe('-ERR [SYS/TEMP] banned');
    expect(await httpsStatus(server.ports.https!, SCANNER)).toBe('dropped');
  });

  it('`sealmail ban add|remove` reaches the running server without a restart', async () => {
    server = await startTestServer({
      listeners: ['https'],
      config: { ...(backend === 'redis' ? redisStateConfig() : {}), 'guard.ban_sync_ms': 200 },
    });
    const https = server.ports.https!;
    expect(await httpsStatus(https, SCANNER)).toBe(200);

    const added = await server.cli(['ban', 'add', SCANNER, '--ttl', '600', '--reason', 'seen in abuse report', '--json']);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual({ ip: SCANNER, reason: 'seen in abuse report', ttl_s: 600 });
    expect(await eventually(async () => (await httpsStatus(https, SCANNER)) === 'dropped')).toBe(true);
    expect(await httpsStatus(https, BYSTANDER)).toBe(200);

    const list = await server.cli(['ban', 'list']);
    expect(list.stdout).toContain(`${SCANNER}\tseen in abuse report`);

    const removed = await server.cli(['ban', 'remove', SCANNER, '--json']);
    expect(JSON.parse(removed.stdout)).toEqual({ ip: SCANNER, removed: true });
    expect(await eventually(async () => (await httpsStatus(https, SCANNER)) === 200)).toBe(true);
    expect((await server.cli(['ban', 'remove', SCANNER])).stdout).toContain('was not banned');

    const actions = (await server.server.context.control.audit.list()).map((e) => [e.actor, e.action]);
    expect(actions).toEqual(expect.arrayContaining([['cli', 'guard.ban'], ['cli', 'guard.unban']]));
    expect(JSON.stringify(await server.server.context.control.audit.list())).not.toContain(SCANNER);
  });
});

describe('`sealmail ban` input', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('`sealmail ban` refuses bad input with exit 2 and never bans an allow-listed IP', async () => {
    server = await startTestServer({ config: { 'guard.allow': ['127.9.0.0/16'] } });
    for (const args of [['ban', 'add', 'not-an-ip'], ['ban', 'add', SCANNER, '--ttl', '-5'], ['ban', 'add', '127.9.1.1']]) {
      const result = await server.cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^sealmail: /);
    }
    expect((await server.cli(['ban', 'list', '--json'])).stdout.trim()).toBe('[]');
  });
});

describe('two server processes on one Redis', () => {
  const processes: ServerProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('share a ban: a trap on one node bans the IP on the other at once', async () => {
    const prefix = testRedisPrefix();
    const trap = await freePort();
    const cert = testCertificateFiles('localhost');
    const node = async (extra: Record<string, unknown>) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-node-'));
      dirs.push(dir);
      const file = path.join(dir, 'config.toml');
      const ports = { smtp: 0, submission: 0, submissions: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0, https: await freePort() };
      writeFileSync(
        file,
        toToml({ data_dir: dir, ports, tls: { cert: cert.cert, key: cert.key }, state: { redis: TEST_REDIS, prefix }, ...extra }),
      );
      const proc = await spawnServer(['--config', file]);
      processes.push(proc);
      return { proc, file };
    };
    const a = await node({ guard: { trap_ports: [trap] } });
    const b = await node({});
    expect(await httpsStatus(b.proc.ports.https!, SCANNER)).toBe(200);

    expect(await droppedSilently(trap, SCANNER)).toBe(true);
    expect(await eventually(async () => (await httpsStatus(b.proc.ports.https!, SCANNER)) === 'dropped', 2000)).toBe(true);
    expect(await httpsStatus(a.proc.ports.https!, SCANNER)).toBe('dropped');
    expect(await httpsStatus(b.proc.ports.https!, BYSTANDER)).toBe(200);

    // Lifting it on node B's data dir clears Redis: node A lets the IP in again at once.
    const removed = await runCli(['--config', b.file, 'ban', 'remove', SCANNER]);
    expect(removed.code).toBe(0);
    expect(await httpsStatus(a.proc.ports.https!, SCANNER)).toBe(200);
    rmSync(cert.dir, { recursive: true, force: true });
  });
});
