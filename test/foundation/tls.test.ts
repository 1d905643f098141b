import { spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCertificate, testCertificateFiles } from '../kit/certs.js';
import { startTestServer, type TestServer } from '../kit/server.js';

/** Runs `openssl s_client` against the port with the given protocol flag. */
function sClient(port: number, ...flags: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', ...flags], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
    child.stdin.end('Q\n');
  });
}

function peerCertificate(port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false }, () => {
      const raw = socket.getPeerX509Certificate();
      socket.end();
      if (raw) resolve(raw);
      else reject(new Error('no certificate'));
    });
    socket.on('error', reject);
  });
}

describe('TLS on the HTTPS listener', () => {
  let server: TestServer;
  let files: { cert: string; key: string };

  beforeAll(async () => {
    files = testCertificateFiles('localhost');
    server = await startTestServer({ listeners: ['https'], config: { 'tls.cert': files.cert, 'tls.key': files.key } });
  });
  afterAll(async () => server?.close());

  it('refuses TLS 1.1 (and 1.0)', async () => {
    const v11 = await sClient(server.ports.https!, '-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0');
    expect(v11.code).not.toBe(0);
    expect(v11.output).toMatch(/alert protocol version|no protocols available|unsupported protocol/i);
    const v10 = await sClient(server.ports.https!, '-tls1', '-cipher', 'DEFAULT@SECLEVEL=0');
    expect(v10.code).not.toBe(0);
  });

  it('accepts TLS 1.2 with a modern AEAD suite, and TLS 1.3', async () => {
    const v12 = await sClient(server.ports.https!, '-tls1_2');
    expect(v12.output).toMatch(/Protocol\s*:\s*TLSv1\.2/);
    expect(v12.output).toMatch(/Cipher is ECDHE-(RSA|ECDSA)-(AES\d+-GCM-SHA\d+|CHACHA20-POLY1305)/);
    const v13 = await sClient(server.ports.https!, '-tls1_3');
    expect(v13.output).toMatch(/New, TLSv1\.3, Cipher is TLS_/);
  });

  it('refuses CBC and non-forward-secret suites on TLS 1.2', async () => {
    const cbc = await sClient(server.ports.https!, '-tls1_2', '-cipher', 'AES128-SHA:ECDHE-RSA-AES128-SHA');
    expect(cbc.code).not.toBe(0);
    expect(cbc.output).toMatch(/handshake failure|no shared cipher|alert/i);
  });

  it('takes a new certificate from the files without a restart', async () => {
    const before = await peerCertificate(server.ports.https!);
    const fresh = testCertificate('reload.localhost');
    writeFileSync(files.key, fresh.key);
    writeFileSync(files.cert, fresh.cert);
    expect(server.server.reloadTls()).toBe(true);
    const after = await peerCertificate(server.ports.https!);
    expect(after.fingerprint256).not.toBe(before.fingerprint256);
    expect(after.subject).toMatch(/CN=reload\.localhost/);
  });

  it('keeps serving the old certificate when the new files are broken', async () => {
    const before = await peerCertificate(server.ports.https!);
    copyFileSync(files.cert, `${files.cert}.bak`);
    writeFileSync(files.cert, 'not a certificate');
    expect(server.server.reloadTls()).toBe(false);
    expect((await peerCertificate(server.ports.https!)).fingerprint256).toBe(before.fingerprint256);
    expect(server.logs()).toMatch(/tls certificate reload failed/);
  });
});

describe('self-signed default', () => {
  it('generates a certificate for the hostname into the data dir at first start and reuses it', async () => {
    const first = await startTestServer({ listeners: ['https'], config: { 'tls.cert': undefined, 'tls.key': undefined, hostname: 'mail.example.test' } });
    const dataDir = first.dataDir;
    const cert = await peerCertificate(first.ports.https!);
    expect(cert.checkHost('mail.example.test')).toBe('mail.example.test');
    await first.server.close();
    const second = await startTestServer({ dataDir, listeners: ['https'], config: { 'tls.cert': undefined, 'tls.key': undefined, hostname: 'mail.example.test' } });
    expect((await peerCertificate(second.ports.https!)).fingerprint256).toBe(cert.fingerprint256);
    await second.server.close();
  });
});
