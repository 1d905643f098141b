import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Anonymiser } from './anonymise.js';
import { DailyLogFile, expireLogFiles } from './log-files.js';
import { createLogger } from './logger.js';

function capture(anonymiser?: Anonymiser) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { log: createLogger({ destination, anonymiser }), text: () => lines.join('') };
}

describe('anonymised logs', () => {
  it('never writes a raw IP, address, password, subject, body or auth string', () => {
    const { log, text } = capture();
    const secrets = {
      ip: '203.0.113.77',
      ipv6: '2001:db8:abcd:12:34:56:78:9a',
      address: 'alice.secret@example.org',
      password: 'Tr0ub4dor&3-pw-token',
      subject: 'SUBJECT-TOKEN-quarterly',
      body: 'BODY-TOKEN-hello',
      auth: 'AGFsaWNlAHBhc3M=',
    };
    log.info({ ip: secrets.ip, remoteAddress: secrets.ipv6, from: secrets.address, to: [secrets.address] }, 'connection');
    log.info({ password: secrets.password, subject: secrets.subject, body: secrets.body, authorization: secrets.auth }, 'auth');
    log.warn({ session: { user: secrets.address, headers: { subject: secrets.subject } } }, 'nested');
    log.info(`free text from ${secrets.address} at ${secrets.ip} and ${secrets.ipv6}`);
    log.error({ err: new Error(`failed for ${secrets.password} ${secrets.body}`) }, 'error with a leaky message');
    const out = text();
    for (const [name, value] of Object.entries(secrets)) expect(out, name).not.toContain(value);
    expect(out).not.toContain('alice.secret');
    expect(out).toContain('203.0.113.0/24#');
    expect(out).toContain('2001:db8:abcd::/48#');
    expect(out).toMatch(/"from":"[A-Za-z0-9_-]{12}@example\.org"/);
    expect(out).toContain('"password":"[redacted]"');
    expect(out).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('links the same IP within a day but not across days', () => {
    let now = new Date('2026-01-01T10:00:00Z');
    const anonymiser = new Anonymiser(() => now);
    const morning = anonymiser.ip('198.51.100.9');
    expect(anonymiser.ip('198.51.100.9')).toBe(morning);
    expect(anonymiser.ip('198.51.100.10')).not.toBe(morning);
    now = new Date('2026-01-02T10:00:00Z');
    expect(anonymiser.ip('198.51.100.9')).not.toBe(morning);
    expect(anonymiser.ip('::ffff:198.51.100.9').startsWith('198.51.100.0/24#')).toBe(true);
    expect(anonymiser.ip('nonsense')).toBe('[not-an-ip]');
  });

  it('writes daily files and deletes those older than the retention', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-logs-'));
    const file = new DailyLogFile(dir, () => new Date('2026-03-10T12:00:00Z'));
    file.write('{"msg":"x"}\n');
    await new Promise((resolve) => file.end(resolve));
    writeFileSync(path.join(dir, 'sealmail-2026-03-01.log'), 'old\n');
    writeFileSync(path.join(dir, 'sealmail-2026-03-04.log'), 'kept\n');
    writeFileSync(path.join(dir, 'unrelated.txt'), 'not ours\n');
    utimesSync(path.join(dir, 'unrelated.txt'), 0, 0);
    const removed = expireLogFiles(dir, 7, new Date('2026-03-10T12:00:00Z'));
    expect(removed).toEqual(['sealmail-2026-03-01.log']);
    expect(readdirSync(dir).sort()).toEqual(['sealmail-2026-03-04.log', 'sealmail-2026-03-10.log', 'unrelated.txt']);
    expect(readFileSync(path.join(dir, 'sealmail-2026-03-10.log'), 'utf8')).toBe('{"msg":"x"}\n');
    expect(statSync(path.join(dir, 'sealmail-2026-03-10.log')).mode & 0o077).toBe(0);
  });
});
