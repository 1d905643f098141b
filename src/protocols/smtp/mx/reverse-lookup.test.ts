import { describe, expect, it } from 'vitest';
import { ptrName } from './reverse-lookup.js';

describe('ptrName', () => {
  it.each([
    ['192.0.2.10', '10.2.0.192.in-addr.arpa'],
    ['2001:db8::1', `1.0.0.0.${'0.0.0.0.'.repeat(5)}8.b.d.0.1.0.0.2.ip6.arpa`],
    ['not-an-ip', undefined],
  ])('%s → %s', (ip, name) => {
    expect(ptrName(ip)).toBe(name);
  });
});
