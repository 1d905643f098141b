import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { aeadOpen, aeadSeal } from './aead.js';

/**
 * Hybrid sealing to a mailbox public key: X25519 (ephemeral-static) + ML-KEM-768, both shared
 * secrets through HKDF-SHA256 into a ChaCha20-Poly1305 key. Breaking it needs breaking both.
 *
 * Sealed layout: version(1) || x25519 ephemeral public(32) || ML-KEM ciphertext(1088) || AEAD box.
 */
const VERSION = 1;
const X_PUB = 32;
const KEM_CT = 1088;

export interface HybridPublicKey {
  x25519: Uint8Array;
  mlkem: Uint8Array;
}

export interface HybridSecretKey {
  x25519: Uint8Array;
  mlkem: Uint8Array;
}

/*
 * X25519 runs in OpenSSL (node:crypto), about forty times faster than a JavaScript ladder; keys stay
 * the raw 32 bytes of RFC 7748. Public keys go to OpenSSL as JWK (fast to import). A secret key
 * goes as DER from a Buffer that is zeroed at once (a JWK would leave it in an immutable string),
 * and its KeyObject is kept for as long as that secret's buffer lives: a drain opens many
 * messages with one key, and importing a private key costs more than the key agreement.
 */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const privateKeys = new WeakMap<Uint8Array, KeyObject>();

function privateKeyOf(secret: Uint8Array): KeyObject {
  let key = privateKeys.get(secret);
  if (!key) {
    const der = Buffer.concat([PKCS8_X25519, secret]);
    try {
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } finally {
      der.fill(0);
    }
    privateKeys.set(secret, key);
  }
  return key;
}

/** Drops the OpenSSL copy of a secret key before its buffer is zeroed (when a mailbox closes). */
export function forgetSecretKey(secretKey: HybridSecretKey): void {
  privateKeys.delete(secretKey.x25519);
}

function publicKeyOf(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

function rawPublic(key: KeyObject): Uint8Array {
  return Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');
}

export function generateHybridKeyPair(): { publicKey: HybridPublicKey; secretKey: HybridSecretKey } {
  const x = generateKeyPairSync('x25519');
  const der = x.privateKey.export({ format: 'der', type: 'pkcs8' });
  const secret = Uint8Array.from(der.subarray(PKCS8_X25519.length));
  der.fill(0);
  const kem = ml_kem768.keygen();
  return {
    publicKey: { x25519: rawPublic(x.publicKey), mlkem: kem.publicKey },
    secretKey: { x25519: secret, mlkem: kem.secretKey },
  };
}

function derive(xShared: Uint8Array, kemShared: Uint8Array, ephemeral: Uint8Array, kemCt: Uint8Array, recipient: HybridPublicKey): Buffer {
  const ikm = Buffer.concat([xShared, kemShared]);
  const salt = Buffer.concat([ephemeral, kemCt.subarray(0, 32)]);
  const info = Buffer.concat([Buffer.from('sealmail:seal:v1'), recipient.x25519, recipient.mlkem.subarray(0, 32)]);
  const key = Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
  ikm.fill(0);
  return key;
}

export function sealTo(recipient: HybridPublicKey, plaintext: Uint8Array): Buffer {
  // The ephemeral secret never leaves OpenSSL.
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralPublic = rawPublic(ephemeral.publicKey);
  const xShared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: publicKeyOf(recipient.x25519) });
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(recipient.mlkem);
  const key = derive(xShared, sharedSecret, ephemeralPublic, cipherText, recipient);
  const header = Buffer.concat([Buffer.from([VERSION]), ephemeralPublic, cipherText]);
  const box = aeadSeal(key, plaintext, header);
  for (const secret of [key, xShared, sharedSecret]) secret.fill(0);
  return Buffer.concat([header, box]);
}

/** The plaintext, or undefined if the sealed data is not for this key or was altered. */
export function openSealed(secretKey: HybridSecretKey, publicKey: HybridPublicKey, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < 1 + X_PUB + KEM_CT + 28 || sealed[0] !== VERSION) return undefined;
  const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const ephemeral = data.subarray(1, 1 + X_PUB);
  const kemCt = data.subarray(1 + X_PUB, 1 + X_PUB + KEM_CT);
  let xShared: Buffer;
  try {
    xShared = diffieHellman({ privateKey: privateKeyOf(secretKey.x25519), publicKey: publicKeyOf(ephemeral) });
  } catch {
    return undefined; // a low-order point: OpenSSL refuses the all-zero secret
  }
  const kemShared = ml_kem768.decapsulate(kemCt, secretKey.mlkem);
  const key = derive(xShared, kemShared, ephemeral, kemCt, publicKey);
  const plain = aeadOpen(key, data.subarray(1 + X_PUB + KEM_CT), data.subarray(0, 1 + X_PUB + KEM_CT));
  for (const secret of [key, xShared, kemShared]) secret.fill(0);
  return plain;
}
