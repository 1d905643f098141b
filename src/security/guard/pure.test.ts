import { describe, expect, it } from 'vitest';
import { dnsblName } from './dnsbl.js';
import { classifyCommandLine, classifyFirstBytes } from './misuse.js';
import { AllowList, canonicalIp, sourceNetwork } from './network.js';
import { NftablesPusher } from './nftables.js';
import { createLogger } from '../../log/logger.js';

describe('network helpers', () => {
  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['192.0.2.1', '192.0.2.1'],
    ['2001:DB8::1', '2001:db8::1'],
  ])('canonicalIp(%s) = %s', (input, expected) => expect(canonicalIp(input)).toBe(expected));

  it.each([
    ['192.0.2.77', '192.0.2.0/24'],
    ['::ffff:10.1.2.3', '10.1.2.0/24'],
    ['2001:db8:1:2345::9', '2001:db8:1:2300::/56'],
    ['2001:db8:1:23ff:1::9', '2001:db8:1:2300::/56'],
  ])('sourceNetwork(%s) = %s', (input, expected) => expect(sourceNetwork(input)).toBe(expected));

  it('matches allow-listed addresses and networks of both families', () => {
    const allow = new AllowList(['10.0.0.0/8', '192.0.2.5', '2001:db8::/32']);
    expect(allow.has('10.200.1.1')).toBe(true);
    expect(allow.has('::ffff:10.200.1.1')).toBe(true);
    expect(allow.has('192.0.2.5')).toBe(true);
    expect(allow.has('192.0.2.6')).toBe(false);
    expect(allow.has('2001:db8:ffff::1')).toBe(true);
    expect(allow.has('2001:db9::1')).toBe(false);
    expect(allow.has('garbage')).toBe(false);
    expect(() => new AllowList(['not-an-ip/8'])).toThrow();
  });
});

describe('DNSBL query names', () => {
  it.each([
    ['127.0.0.2', 'zen.example', '2.0.0.127.zen.example'],
    ['::ffff:192.0.2.99', 'bl.test', '99.2.0.192.bl.test'],
    ['2001:db8::1', 'bl.test', `1.0.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.bl.test`],
  ])('%s in %s → %s', (ip, zone, name) => expect(dnsblName(ip, zone)).toBe(name));
});

describe('protocol misuse', () => {
  it.each([
    [Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), 'tls_on_plain_port'],
    [Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01]), 'tls_on_plain_port'],
    [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'http_on_mail_port'],
    [Buffer.from('CONNECT mail.example:25 HTTP/1.0\r\n'), 'http_on_mail_port'],
    [Buffer.from('EHLO client.example\r\n'), undefined],
    [Buffer.from('a1 LOGIN user pass\r\n'), undefined],
    [Buffer.alloc(0), undefined],
  ])('classifies first bytes %#', (chunk, kind) => expect(classifyFirstBytes(chunk)).toBe(kind));

  it('classifies unparseable command lines', () => {
    expect(classifyCommandLine('POST /login HTTP/1.1')).toBe('http_on_mail_port');
    expect(classifyCommandLine('User-Agent: curl/8')).toBe('http_on_mail_port');
    expect(classifyCommandLine('XYZZY')).toBeUndefined();
  });
});

describe('nftables push', () => {
  it('is off by default and sends element updates to the right set when on', async () => {
    const calls: string[][] = [];
    const log = createLogger({ level: 'silent' });
    const run = async (command: string, args: string[]) => {
      calls.push([command, ...args]);
    };
    const off = new NftablesPusher({ enabled: false, family: 'inet', table: 'sealmail', set4: 'b4', set6: 'b6' }, log, run);
    await off.ban('192.0.2.1', 60);
    expect(calls).toEqual([]);
    const on = new NftablesPusher({ enabled: true, family: 'inet', table: 'sealmail', set4: 'b4', set6: 'b6' }, log, run);
    await on.ban('192.0.2.1', 60);
    await on.ban('2001:db8::1', 1.5);
    await on.unban('192.0.2.1');
    await on.ban('not an ip; drop table', 60);
    expect(calls).toEqual([
      ['nft', 'add', 'element', 'inet', 'sealmail', 'b4', '{ 192.0.2.1 timeout 60s }'],
      ['nft', 'add', 'element', 'inet', 'sealmail', 'b6', '{ 2001:db8::1 timeout 2s }'],
      ['nft', 'delete', 'element', 'inet', 'sealmail', 'b4', '{ 192.0.2.1 }'],
    ]);
  });

  it('logs a failing nft call and carries on', async () => {
    const log = createLogger({ level: 'silent' });
    const failing = new NftablesPusher({ enabled: true, family: 'inet', table: 't', set4: 'b4', set6: 'b6' }, log, async () => {
      throw new Error('nft: permission denied');
    });
    await expect(failing.ban('192.0.2.1', 60)).resolves.toBeUndefined();
  });
});
