import { EventEmitter } from 'node:events';
import { constants as cryptoConstants, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import selfsigned from 'selfsigned';
import { ConfigError } from '../core/errors.js';

/** Modern AEAD suites with forward secrecy only (TLS 1.2); TLS 1.3 suites are all acceptable. */
const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** One policy for every listener and the outbound client: TLS 1.2+, modern suites, no renegotiation. */
export const TLS_POLICY = {
  minVersion: 'TLSv1.2',
  ciphers: TLS12_CIPHERS,
  honorCipherOrder: true,
  secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION | cryptoConstants.SSL_OP_NO_COMPRESSION,
} as const satisfies tls.SecureContextOptions;

export interface CertificateMaterial {
  cert: string;
  key: string;
}

export interface TlsSource {
  hostname: string;
  dataDir: string;
  certFile?: string;
  keyFile?: string;
}

/**
 * Holds the current certificate and the secure context built from it. Listeners read
 * `serverOptions()` when they start and subscribe to 'reload' (see `attach`), so a renewed
 * certificate takes effect for new connections without a restart.
 */
export class TlsProvider extends EventEmitter {
  private material: CertificateMaterial;
  private secureContext: tls.SecureContext;
  private watching: string[] = [];

  constructor(private readonly source: TlsSource) {
    super();
    this.material = loadMaterial(source);
    this.secureContext = tls.createSecureContext({ ...TLS_POLICY, ...this.material });
  }

  get context(): tls.SecureContext {
    return this.secureContext;
  }

  get certificatePem(): string {
    return this.material.cert;
  }

  /** Days until the leaf certificate expires, for /healthz. */
  expiresAt(): string {
    return new Date(new X509Certificate(this.material.cert).validTo).toISOString();
  }

  /** Options for tls.createServer / https.createServer and for STARTTLS upgrades. */
  serverOptions(): tls.TlsOptions {
    return {
      ...TLS_POLICY,
      ...this.material,
      SNICallback: (_servername, callback) => callback(null, this.secureContext),
    };
  }

  /** Keeps a server's default context current across reloads. */
  attach(server: tls.Server): void {
    const update = () => server.setSecureContext({ ...TLS_POLICY, ...this.material });
    this.on('reload', update);
    server.once('close', () => this.off('reload', update));
  }

  /** Re-reads the certificate files; a broken pair keeps the old certificate in service. */
  reload(): boolean {
    try {
      const material = loadMaterial(this.source);
      const context = tls.createSecureContext({ ...TLS_POLICY, ...material });
      this.material = material;
      this.secureContext = context;
      this.emit('reload');
      return true;
    } catch (error) {
      this.emit('reload-failed', error);
      return false;
    }
  }

  /** Polls the configured files (works on every filesystem, survives atomic renames). */
  watch(intervalMs = 2000): void {
    if (!this.source.certFile || !this.source.keyFile || this.watching.length) return;
    this.watching = [this.source.certFile, this.source.keyFile];
    for (const file of this.watching) {
      watchFile(file, { interval: intervalMs, persistent: false }, (now, before) => {
        if (now.mtimeMs !== before.mtimeMs) this.reload();
      });
    }
  }

  close(): void {
    for (const file of this.watching) unwatchFile(file);
    this.watching = [];
    this.removeAllListeners();
  }
}

function loadMaterial(source: TlsSource): CertificateMaterial {
  if (source.certFile && source.keyFile) {
    const material = { cert: readPem(source.certFile, 'tls.cert'), key: readPem(source.keyFile, 'tls.key') };
    try {
      tls.createSecureContext(material);
    } catch {
      throw new ConfigError(`tls.cert and tls.key do not form a valid certificate/key pair`);
    }
    return material;
  }
  return selfSignedMaterial(source.hostname, source.dataDir);
}

function readPem(file: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${key}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** A self-signed certificate for `hostname`, generated into the data dir at first start. */
function selfSignedMaterial(hostname: string, dataDir: string): CertificateMaterial {
  const dir = path.join(dataDir, 'tls');
  const certFile = path.join(dir, 'self-signed.crt');
  const keyFile = path.join(dir, 'self-signed.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const material = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
    if (new X509Certificate(material.cert).checkHost(hostname)) return material;
  }
  const material = generateSelfSigned(hostname);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, material.key, { mode: 0o600 });
  writeFileSync(certFile, material.cert, { mode: 0o644 });
  return material;
}

export function generateSelfSigned(hostname: string, days = 825): CertificateMaterial {
  const pems = selfsigned.generate([{ name: 'commonName', value: hostname }], {
    keySize: 2048,
    days,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostname },
          { type: 2, value: `*.${hostname}` },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
