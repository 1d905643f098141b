import { randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { SecretBox } from './secrets.js';

test('sealed secrets open with the same key only, and tampering is detected', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.seal('JBSWY3DPEHPK3PXP');
  expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
  expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
  expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  const parts = sealed.split('.');
  parts[2] = Buffer.from('tampered').toString('base64url');
  expect(() => box.open(parts.join('.'))).toThrow();
});

test('ten distinct recovery codes whose hashes ignore case and dashes', () => {
  const codes = newRecoveryCodes();
  expect(codes).toHaveLength(10);
  expect(new Set(codes).size).toBe(10);
  for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  const first = codes[0]!;
  expect(hashRecoveryCode(first.toUpperCase().replaceAll('-', ' '))).toBe(hashRecoveryCode(first));
  expect(hashRecoveryCode(first)).not.toContain(first.replaceAll('-', ''));
});
