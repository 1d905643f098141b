import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openBytes, sealBytes } from './aead.js';

describe('sealBytes / openBytes', () => {
  const key = randomBytes(32);

  it('round-trips and never shows the plaintext', () => {
    const plaintext = Buffer.from('token-3f9a secret body');
    const sealed = sealBytes(key, plaintext, 'q1');
    expect(sealed.includes(Buffer.from('token-3f9a'))).toBe(false);
    expect(openBytes(key, sealed, 'q1').toString()).toBe('token-3f9a secret body');
  });

  it('refuses another key, another context and a flipped bit', () => {
    const sealed = sealBytes(key, Buffer.from('hello'), 'q1');
    expect(() => openBytes(randomBytes(32), sealed, 'q1')).toThrow(/damaged/);
    expect(() => openBytes(key, sealed, 'q2')).toThrow(/damaged/);
    const flipped = Buffer.from(sealed);
    flipped[14] = (flipped[14] as number) ^ 1;
    expect(() => openBytes(key, flipped, 'q1')).toThrow(/damaged/);
    expect(() => openBytes(key, Buffer.alloc(5))).toThrow(/damaged/);
  });
});
