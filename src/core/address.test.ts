import { describe, expect, it } from 'vitest';
import { lookupCandidates, normaliseAddress, normaliseDomain } from './address.js';
import { UsageError } from './errors.js';

describe('addresses', () => {
  it.each([
    ['Joe@Example.COM', 'joe@example.com'],
    ['  joe.bloggs@example.com ', 'joe.bloggs@example.com'],
    ['user@bücher.example', 'user@xn--bcher-kva.example'],
    ['a+tag@EXAMPLE.org.', 'a+tag@example.org'],
  ])('normalises %s', (input, expected) => {
    expect(normaliseAddress(input)).toBe(expected);
  });

  it.each(['', 'joe', '@example.com', 'joe@', 'joe@localhost', 'jo e@example.com', 'joe@exa_mple.com', 'joe@-x.com', `${'a'.repeat(65)}@example.com`, 'a..b@example.com', 'joe@example.123'])(
    'refuses %j with a UsageError',
    (input) => {
      expect(() => normaliseAddress(input)).toThrow(UsageError);
    },
  );

  it('allows a catch-all only where asked', () => {
    expect(() => normaliseAddress('*@example.com')).toThrow(/catch-all not allowed/);
    expect(normaliseAddress('*@Example.com', { allowCatchAll: true })).toBe('*@example.com');
  });

  it('looks up exact, then without +tag, then the catch-all', () => {
    expect(lookupCandidates('Joe+News@Example.com')).toEqual(['joe+news@example.com', 'joe@example.com', '*@example.com']);
    expect(lookupCandidates('joe@example.com')).toEqual(['joe@example.com', '*@example.com']);
  });

  it('normalises IDN domains to punycode', () => {
    expect(normaliseDomain('BÜCHER.example')).toBe('xn--bcher-kva.example');
    expect(() => normaliseDomain('x'.repeat(300))).toThrow(UsageError);
  });
});
