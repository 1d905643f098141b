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
 * X25519 runs in OpenSSL (node:crypto), about fifty times faster than a JavaScript ladder; keys stay
 * the raw 32 bytes of RFC 7748, wrapped in fixed DER prefixes only to hand them to OpenSSL.
 */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

function x25519Keygen(): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const pair = generateKeyPairSync('x25519');
  const secret = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
  const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length);
  const secretKey = Uint8Array.from(secret.subarray(PKCS8_X25519.length));
  secret.fill(0);
  return { publicKey: Uint8Array.from(publicKey), secretKey };
}

function x25519Shared(secretKey: Uint8Array, publicKey: Uint8Array): Buffer {
  const der = Buffer.concat([PKCS8_X25519, secretKey]);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
  const peer = createPublicKey({ key: Buffer.concat([SPKI_X25519, publicKey]), format: 'der', type: 'spki' });
  return diffieHellman({ privateKey, publicKey: peer });
}

export function generateHybridKeyPair(): { publicKey: HybridPublicKey; secretKey: HybridSecretKey } {
  const x = x25519Keygen();
  const kem = ml_kem768.keygen();
  return {
    publicKey: { x25519: x.publicKey, mlkem: kem.publicKey },
    secretKey: { x25519: x.secretKey, mlkem: kem.secretKey },
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
  const ephemeral = x25519Keygen();
  const xShared = x25519Shared(ephemeral.secretKey, recipient.x25519);
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(recipient.mlkem);
  const key = derive(xShared, sharedSecret, ephemeral.publicKey, cipherText, recipient);
  const header = Buffer.concat([Buffer.from([VERSION]), ephemeral.publicKey, cipherText]);
  const box = aeadSeal(key, plaintext, header);
  for (const secret of [key, xShared, sharedSecret, ephemeral.secretKey]) secret.fill(0);
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
    xShared = x25519Shared(secretKey.x25519, ephemeral);
  } catch {
    return undefined; // a low-order point: OpenSSL refuses the all-zero secret
  }
  const kemShared = ml_kem768.decapsulate(kemCt, secretKey.mlkem);
  const key = derive(xShared, kemShared, ephemeral, kemCt, publicKey);
  const plain = aeadOpen(key, data.subarray(1 + X_PUB + KEM_CT), data.subarray(0, 1 + X_PUB + KEM_CT));
  for (const secret of [key, xShared, kemShared]) secret.fill(0);
  return plain;
}
