import { inspect } from 'node:util';
import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { generateHybridKeyPair, openSealed, sealTo } from './hybrid-seal.js';
import { deriveKek } from './kdf.js';
import { unwrapKey, wrapKey } from './key-wrap.js';
import { SecretKey } from './secret-key.js';

const CHEAP = { algorithm: 'argon2id' as const, memoryKib: 1024, iterations: 1, parallelism: 1 };

describe('crypto primitives', () => {
  it('seals to X25519 + ML-KEM-768 and opens only with the matching secret key and untouched data', () => {
    const alice = generateHybridKeyPair();
    const mallory = generateHybridKeyPair();
    const sealed = sealTo(alice.publicKey, Buffer.from('hello sealed world'));
    expect(sealed.length).toBe(1 + 32 + 1088 + 12 + 18 + 16);
    expect(sealed.toString('latin1')).not.toContain('hello');
    expect(openSealed(alice.secretKey, alice.publicKey, sealed)?.toString()).toBe('hello sealed world');
    expect(openSealed(mallory.secretKey, mallory.publicKey, sealed)).toBeUndefined();
    for (const offset of [0, 5, 100, 1125, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[offset]! ^= 1;
      expect(openSealed(alice.secretKey, alice.publicKey, tampered)).toBeUndefined();
    }
    expect(openSealed(alice.secretKey, alice.publicKey, sealed.subarray(0, 200))).toBeUndefined();
    expect(sealTo(alice.publicKey, Buffer.from('x')).equals(sealTo(alice.publicKey, Buffer.from('x')))).toBe(false);
  });

  it('keeps RFC 7748 X25519 keys: spools sealed with the earlier JavaScript X25519 still open', () => {
    const ours = generateHybridKeyPair();
    expect(Buffer.from(x25519.getPublicKey(ours.secretKey.x25519)).equals(Buffer.from(ours.publicKey.x25519))).toBe(true);
    // A key pair whose X25519 half was made by @noble/curves (as mailboxes created before were).
    const noble = x25519.keygen();
    const older = { publicKey: { ...ours.publicKey, x25519: noble.publicKey }, secretKey: { ...ours.secretKey, x25519: noble.secretKey } };
    const sealed = sealTo(older.publicKey, Buffer.from('sealed last year'));
    expect(openSealed(older.secretKey, older.publicKey, sealed)?.toString()).toBe('sealed last year');
    // A low-order ephemeral point (all zeros) is refused, not thrown.
    const lowOrder = Buffer.from(sealed);
    lowOrder.fill(0, 1, 33);
    expect(openSealed(older.secretKey, older.publicKey, lowOrder)).toBeUndefined();
  });

  it('wraps a data key under an Argon2id KEK, bound to its slot', async () => {
    const salt = Buffer.alloc(16, 9);
    const kek = await deriveKek('pässword', salt, CHEAP);
    const same = await deriveKek('pa\u0308ssword', salt, CHEAP);
    expect(same.expose().equals(kek.expose())).toBe(true);
    const other = await deriveKek('password', salt, CHEAP);
    const dataKey = SecretKey.random();
    const wrapped = wrapKey(kek, dataKey, 'box:slot1');
    expect(unwrapKey(kek, wrapped, 'box:slot1')?.expose().equals(dataKey.expose())).toBe(true);
    expect(unwrapKey(other, wrapped, 'box:slot1')).toBeUndefined();
    expect(unwrapKey(kek, wrapped, 'box:slot2')).toBeUndefined();
  });

  it('zeroes key buffers on dispose and never prints them', () => {
    const key = SecretKey.random();
    const bytes = key.expose();
    expect(bytes.some((b) => b !== 0)).toBe(true);
    expect(JSON.stringify({ key })).toBe('{"key":"[SecretKey]"}');
    expect(inspect(key)).toBe('[SecretKey]');
    expect(`${key}`).toBe('[SecretKey]');
    key.dispose();
    expect(bytes.every((b) => b === 0)).toBe(true);
    expect(() => key.expose()).toThrow(/released/);
  });
});
