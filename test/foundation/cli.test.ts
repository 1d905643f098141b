import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnServer } from '../kit/cli.js';
import { httpsRequest } from '../kit/https.js';
import { freePort } from '../kit/server.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'sealmail-cli-'));
const oneLine = (text: string) => text.trim().split('\n').length === 1;

describe('sealmail CLI', () => {
  it('manages domains and aliases in an encrypted control.db that plain sqlite3 cannot open', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args]);
    expect((await cli('domain', 'add', 'sealmail-secret-domain.example')).code).toBe(0);
    const added = await cli('alias', 'add', 'Hidden.Person@sealmail-secret-domain.example', '--forward', 'target.person@elsewhere.example', '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ address: 'hidden.person@sealmail-secret-domain.example' });
    const listed = await cli('alias', 'list', '--json');
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    const zone = await cli('dns', 'sealmail-secret-domain.example');
    expect(zone.stdout).toMatch(/IN\tMX\t10 localhost\./);
    expect(zone.stdout).toMatch(/_mta-sts\.sealmail-secret-domain\.example\.\t3600\tIN\tTXT\t"v=STSv1; id=/);
    expect(zone.stdout).toMatch(/_smtp\._tls\./);

    const db = path.join(dataDir, 'control.db');
    const sqlite = spawnSync('sqlite3', [db, '.tables'], { encoding: 'utf8' });
    expect(sqlite.status).not.toBe(0);
    expect(sqlite.stderr).toMatch(/file is not a database/);
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('control.db'))) {
      const text = execFileSync('strings', [path.join(dataDir, file)], { encoding: 'utf8' });
      expect(text).not.toMatch(/sealmail-secret-domain|hidden\.person|target\.person|elsewhere/i);
    }
    expect(statSync(path.join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(statSync(db).mode & 0o077).toBe(0);
  });

  it.each([
    ['a bad config value', ['--config', 'BADCFG', 'domain', 'list'], 2, /config key ports\.smtp: expected number/],
    ['an unknown config key', ['--config', 'UNKNOWNCFG', 'domain', 'list'], 2, /unknown config key shoe_size/],
    ['an unknown flag', ['domain', 'list', '--colour'], 2, /unknown option '--colour'/],
    ['an unknown command', ['frobnicate'], 2, /unknown command/],
    ['an invalid address', ['alias', 'add', 'not-an-address', '--forward', 'x@example.org'], 2, /invalid address "not-an-address"/],
    ['an invalid forward target', ['alias', 'add', 'a@example.org', '--forward', 'x@@example.org'], 2, /invalid address/],
    ['an invalid domain', ['domain', 'add', 'exa mple.com'], 2, /invalid domain/],
  ])('answers %s with one line and its exit code, and writes nothing', async (_name, args, code, message) => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    writeFileSync(path.join(dir, 'bad.toml'), '[ports]\nsmtp = "25"\n');
    writeFileSync(path.join(dir, 'unknown.toml'), 'shoe_size = 44\n');
    const resolved = args.map((a) => (a === 'BADCFG' ? path.join(dir, 'bad.toml') : a === 'UNKNOWNCFG' ? path.join(dir, 'unknown.toml') : a));
    const result = await runCli(['--data-dir', dataDir, ...resolved]);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(oneLine(result.stderr)).toBe(true);
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('reports a missing domain as a failure (exit 1) and help as success', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const result = await runCli(['--data-dir', dataDir, 'domain', 'remove', 'nowhere.example']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('sealmail: domain nowhere.example does not exist');
    const help = await runCli(['alias', 'add', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--forward <address>/);
  });

  it('exits 1 with one line when a port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await runCli(['--data-dir', path.join(tempDir(), 'data'), 'serve'], {
        env: portEnv({ https: taken }),
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(`sealmail: port ${taken} (https) is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('serves /healthz, writes private daily log files, and on SIGTERM stops accepting and exits 0', async () => {
    const port = await freePort();
    const dataDir = path.join(tempDir(), 'data');
    const server = await spawnServer(['--data-dir', dataDir], {
      env: { ...portEnv({ https: port }), SEALMAIL_LOGS_FILE: 'true' },
    });
    const health = await httpsRequest(`https://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok' });
    expect(await server.stop('SIGTERM')).toBe(0);
    await expect(httpsRequest(`https://127.0.0.1:${port}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
    const logs = readdirSync(path.join(dataDir, 'logs'));
    expect(logs).toHaveLength(1);
    const logFile = path.join(dataDir, 'logs', logs[0]!);
    expect(statSync(logFile).mode & 0o077).toBe(0);
    expect(readFileSync(logFile, 'utf8')).toMatch(/"msg":"stopped"/);
  });
});

/** Every listener off except the given ones, through the documented SEALMAIL_* variables. */
function portEnv(ports: Record<string, number>): NodeJS.ProcessEnv {
  const names = ['smtp', 'submission', 'submissions', 'imap', 'imaps', 'pop3', 'pop3s', 'https'];
  return Object.fromEntries(names.map((n) => [`SEALMAIL_PORTS_${n.toUpperCase()}`, String(ports[n] ?? 0)]));
}
