import { describe, expect, test } from 'vitest';
import { matchTotp, newTotpSecret, totpCode, totpUri } from './totp.js';

describe('TOTP (RFC 6238)', () => {
  const secret = newTotpSecret();
  const now = 1_800_000_000_000;
  const step = Math.floor(now / 30_000);

  test('matches the RFC 6238 SHA-1 test vector', () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits); 6 digits = 287082.
    expect(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000)).toBe('287082');
  });

  test('accepts one step of drift either way, and says which step', () => {
    expect(matchTotp(secret, totpCode(secret, now), now)).toBe(step);
    expect(matchTotp(secret, totpCode(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchTotp(secret, totpCode(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchTotp(secret, totpCode(secret, now + 90_000), now)).toBeUndefined();
  });

  test.each(['', '12345', '1234567', 'abcdef', '12 34 5x', '0'.repeat(1000)])('refuses malformed code %j', (code) => {
    expect(matchTotp(secret, code, now)).toBeUndefined();
  });

  test('builds an otpauth URI for the QR code', () => {
    expect(totpUri(secret, 'a@example.net', 'sealmail')).toMatch(/^otpauth:\/\/totp\/sealmail:a%40example\.net\?.*secret=/);
  });
});
