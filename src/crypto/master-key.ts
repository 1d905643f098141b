import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';

const KEY_BYTES = 32;

/**
 * The server master key: from SEALMAIL_MASTER_KEY (hex or base64), SEALMAIL_MASTER_KEY_FILE,
 * or `master.key` in the data dir, created (mode 0600) at first start.
 * The key never appears in an error message.
 */
export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.SEALMAIL_MASTER_KEY) return decodeKey(env.SEALMAIL_MASTER_KEY, 'SEALMAIL_MASTER_KEY');
  const file = env.SEALMAIL_MASTER_KEY_FILE ?? path.join(dataDir, 'master.key');
  if (existsSync(file)) return decodeKey(readFileSync(file), file);
  if (env.SEALMAIL_MASTER_KEY_FILE) throw new ConfigError(`master key file ${file} does not exist`);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

function decodeKey(raw: string | Buffer, source: string): Buffer {
  if (Buffer.isBuffer(raw) && raw.length === KEY_BYTES) return raw;
  const text = raw.toString().trim();
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) throw new ConfigError(`master key from ${source} must be 32 bytes (raw, hex or base64)`);
  return key;
}

/** A purpose-bound sub-key, so no two subsystems ever share key material. */
export function deriveKey(masterKey: Buffer, purpose: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `sealmail:${purpose}`, length));
}
