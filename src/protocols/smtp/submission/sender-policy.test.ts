import { describe, expect, it } from 'vitest';
import { fromAddresses, senderBelongsTo } from './sender-policy.js';

describe('senderBelongsTo', () => {
  it.each([
    ['joe@example.com', 'joe@example.com', true],
    ['joe@example.com', 'JOE@Example.COM', true],
    ['joe@example.com', 'joe+news@example.com', true],
    ['joe@example.com', 'ann@example.com', false],
    ['joe@example.com', 'joe@example.org', false],
    ['joe@example.com', 'joe@example.com.evil', false],
    ['joe@example.com', 'not an address', false],
    ['joe@example.com', '', false],
  ])('%s may send as %s: %s', (user, address, allowed) => {
    expect(senderBelongsTo(user, address)).toBe(allowed);
  });
});

describe('fromAddresses', () => {
  const raw = (headers: string) => Buffer.from(`${headers}\r\n\r\nFrom: body@not.header\r\n`);
  it('reads every address of every From field, folded or grouped', () => {
    expect(fromAddresses(raw('From: "Joe, Jr." <joe@example.com>\r\nTo: x@y.z'))).toEqual(['joe@example.com']);
    expect(fromAddresses(raw('From: joe@example.com,\r\n ann@example.com'))).toEqual(['joe@example.com', 'ann@example.com']);
    expect(fromAddresses(raw('From: joe@example.com\r\nFrom: ann@example.com'))).toEqual(['joe@example.com', 'ann@example.com']);
    expect(fromAddresses(raw('From: team: joe@example.com, ann@example.com;'))).toEqual(['joe@example.com', 'ann@example.com']);
    expect(fromAddresses(raw('Subject: none'))).toEqual([]);
  });
});
