import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../kit/dns-server.js';
import { freePort, startTestServer, type TestServer } from '../kit/server.js';
import { type SmtpSink, startSmtpSink } from '../kit/smtp-sink.js';
import { dkimZone, verifyWithDkimpy } from '../outbound/dkim-verify.js';

const run = promisify(execFile);
const token = () => `tok${randomBytes(8).toString('hex')}`;
const ALICE = 'alice@example.test';
const ALICE_PASS = 'alice correct horse 2026';
const BOB = 'bob@example.test';

/** Reads SMTP replies line by line from a raw socket. */
function smtpDialog(socket: net.Socket) {
  let buffer = '';
  const waiting: Array<(line: string) => void> = [];
  socket.on('data', (chunk) => {
    buffer += chunk.toString();
    // A complete reply ends with a line "NNN text" (space after the code).
    for (let match = /^(\d{3}) .*\r\n/m.exec(buffer); match; match = /^(\d{3}) .*\r\n/m.exec(buffer)) {
      const end = match.index + match[0].length;
      const reply = buffer.slice(0, end);
      buffer = buffer.slice(end);
      waiting.shift()?.(reply);
    }
  });
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  return {
    next,
    async send(line: string) {
      const reply = next();
      socket.write(`${line}\r\n`);
      return reply;
    },
  };
}

describe('submission: AUTH after TLS, no spoofing, DKIM-signed, delivered', () => {
  let dns: TestDnsServer;
  let sink: SmtpSink;
  let server: TestServer;
  let zone: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    sink = await startSmtpSink({ host: '127.0.0.8', port });
    dns = await startDnsServer({
      'remote.test': [{ type: 'MX', exchange: 'mx.remote.test', priority: 10 }],
      'mx.remote.test': [{ type: 'A', address: '127.0.0.8' }],
    });
    server = await startTestServer({
      listeners: ['submission', 'submissions'],
      config: {
        'dns.servers': [dns.server],
        'delivery.port': port,
        'delivery.poll_interval': '200ms',
        'logs.file': true,
        'submission.max_message_bytes': 200_000,
      },
    });
    expect((await server.cli(['domain', 'add', 'example.test'])).code).toBe(0);
    expect((await server.cli(['alias', 'add', ALICE, '--mailbox', '--password-stdin'], ALICE_PASS)).code).toBe(0);
    expect((await server.cli(['alias', 'add', BOB, '--mailbox', '--password-stdin'], 'bob password 2026')).code).toBe(0);
    expect((await server.cli(['dkim', 'rotate', 'example.test'])).code).toBe(0);
    zone = dkimZone(JSON.parse((await server.cli(['--json', 'dns', 'example.test'])).stdout));
  }, 240_000); // five CLI runs, two of them Argon2id: slow on a shared machine
  afterAll(async () => {
    await server?.close();
    await sink?.close();
    await dns?.close();
  });

  const transport = (user: string, pass: string, options: { port?: number; secure?: boolean } = {}) =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: options.port ?? server.ports.submission,
      secure: options.secure ?? false,
      requireTLS: !options.secure,
      tls: { rejectUnauthorized: false },
      auth: { user, pass },
    });
  const arrived = async (t: string) => {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const found = sink.messages.filter((m) => m.raw.includes(t));
      if (found.length) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`message ${t} did not arrive`);
  };

  it('Nodemailer (STARTTLS on submission) is delivered with two valid DKIM signatures and a Sent copy', async () => {
    const t = token();
    const info = await transport(ALICE, ALICE_PASS).sendMail({
      from: `Alice <${ALICE}>`,
      to: 'carol@remote.test',
      subject: `hello ${t}`,
      text: `body ${t}`,
    });
    expect(info.response).toMatch(/^250 /);
    const [message] = await arrived(t);
    expect(message?.from).toBe(ALICE);
    expect(message?.to).toEqual(['carol@remote.test']);
    const signatures = verifyWithDkimpy(message?.raw as Buffer, zone);
    expect(signatures.map((s) => [s.algorithm, s.domain, s.valid]).sort()).toEqual([
      ['ed25519-sha256', 'example.test', true],
      ['rsa-sha256', 'example.test', true],
    ]);

    const mailboxes = server.server.context.mailboxes;
    const session = await mailboxes.unlock(ALICE, ALICE_PASS);
    try {
      const sent = await session!.folderFor('\\Sent');
      const metas = await session!.list(sent);
      const copies = await Promise.all(metas.map((m) => session!.read(sent, m.uid)));
      expect(copies.some((raw) => raw.includes(t))).toBe(true);
    } finally {
      await session?.close();
    }
    // Nothing of the message is left readable on disk: queue erased, Sent copy sealed.
    expect(grep(server.dataDir, t)).toEqual([]);
  });

  it('swaks --tls --auth, and implicit TLS on submissions, are delivered and verify', async () => {
    for (const [port, tlsFlag] of [
      [server.ports.submission, '--tls'],
      [server.ports.submissions, '--tls-on-connect'],
    ] as const) {
      const t = token();
      const { stdout } = await run('swaks', [
        '--server', '127.0.0.1', '--port', String(port), tlsFlag,
        '--auth', 'LOGIN', '--auth-user', ALICE, '--auth-password', ALICE_PASS,
        '--from', ALICE, '--to', 'dave@remote.test',
        '--header', `Subject: swaks ${t}`, '--body', `swaks body ${t}`,
      ]);
      expect(stdout).toMatch(/250 2\.0\.0 Queued as/);
      const [message] = await arrived(t);
      const signatures = verifyWithDkimpy(message?.raw as Buffer, zone);
      expect(signatures).toHaveLength(2);
      expect(signatures.every((s) => s.valid)).toBe(true);
    }
  });

  it('a user cannot send as another alias: envelope or From header', async () => {
    const t = token();
    const asBob = transport(ALICE, ALICE_PASS).sendMail({
      envelope: { from: BOB, to: ['carol@remote.test'] },
      from: BOB,
      to: 'carol@remote.test',
      subject: t,
      text: t,
    });
    await expect(asBob).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/5\.7\.1/) });
    const headerOnly = transport(ALICE, ALICE_PASS).sendMail({
      envelope: { from: ALICE, to: ['carol@remote.test'] },
      from: `"Alice" <${BOB}>`,
      to: 'carol@remote.test',
      subject: t,
      text: t,
    });
    await expect(headerOnly).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/5\.7\.1/) });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sink.messages.filter((m) => m.raw.includes(t))).toHaveLength(0);
  });

  it('refuses an oversized message with 552 and keeps nothing of it', async () => {
    const t = token();
    const big = transport(ALICE, ALICE_PASS).sendMail({ from: ALICE, to: 'carol@remote.test', subject: t, text: `${t} ${'x'.repeat(400_000)}` });
    await expect(big).rejects.toMatchObject({ responseCode: 552 });
    expect(grep(server.dataDir, t)).toEqual([]);
  });

  it('refuses AUTH before STARTTLS, and wrong passwords', async () => {
    const socket = net.connect(server.ports.submission as number, '127.0.0.1');
    const dialog = smtpDialog(socket);
    expect(await dialog.next()).toMatch(/^220 /);
    expect(await dialog.send('EHLO client.test')).toMatch(/STARTTLS/);
    const plain = Buffer.from(`\0${ALICE}\0${ALICE_PASS}`).toString('base64');
    expect(await dialog.send(`AUTH PLAIN ${plain}`)).toMatch(/^538 /);
    expect(await dialog.send(`MAIL FROM:<${ALICE}>`)).toMatch(/^530 /);
    expect(await dialog.send('STARTTLS')).toMatch(/^220 /);
    socket.removeAllListeners('data');
    const secure = tls.connect({ socket, rejectUnauthorized: false });
    await new Promise((resolve) => secure.once('secureConnect', resolve));
    const tlsDialog = smtpDialog(secure as unknown as net.Socket);
    expect(await tlsDialog.send('EHLO client.test')).toMatch(/AUTH PLAIN LOGIN/);
    const wrong = Buffer.from(`\0${ALICE}\0not the password`).toString('base64');
    expect(await tlsDialog.send(`AUTH PLAIN ${wrong}`)).toMatch(/^535 /);
    const unknown = Buffer.from(`\0nobody@example.test\0${ALICE_PASS}`).toString('base64');
    expect(await tlsDialog.send(`AUTH PLAIN ${unknown}`)).toMatch(/^535 /);
    expect(await tlsDialog.send(`AUTH PLAIN ${plain}`)).toMatch(/^235 /);
    secure.destroy();
    // The password never reaches the logs.
    expect(server.logs()).not.toContain(ALICE_PASS);
    expect(grep(server.dataDir, ALICE_PASS)).toEqual([]);
  });
});

function grep(dir: string, needle: string): string[] {
  try {
    return execFileSync('grep', ['-r', '-l', '-a', needle, dir]).toString().trim().split('\n');
  } catch (error) {
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}
