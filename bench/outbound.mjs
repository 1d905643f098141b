// npm run bench:outbound — submission → DKIM (RSA + Ed25519) → encrypted queue → local sink,
// 20 concurrent authenticated clients; then the DKIM signing cost per message, RSA vs Ed25519.
// Runs the built server (dist/) in process with real listeners, a real DNS server and a real sink.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import dns2 from 'dns2';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { startServer } from '../dist/app/server.js';
import { loadConfig } from '../dist/config/load.js';
import { createLogger } from '../dist/log/logger.js';
import { dkimSealingKey, generateDkimKeys, unsealDkimKey } from '../dist/mail/dkim-keys.js';

const CLIENTS = 20;
const PER_CLIENT = Number(process.env.BENCH_PER_CLIENT ?? 25);
const SIGN_ROUNDS = Number(process.env.BENCH_SIGN_ROUNDS ?? 300);
const body = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(60)}\r\n`; // ~3.5 KB

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startDns(records) {
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle(request, send) {
      const response = Packet.createResponseFromRequest(request);
      const [q] = request.questions;
      const name = q.name.toLowerCase();
      for (const r of records[name] ?? []) {
        if (Packet.TYPE[r.type] === q.type) response.answers.push({ ...r, name: q.name, type: Packet.TYPE[r.type], class: Packet.CLASS.IN, ttl: 300 });
      }
      if (!records[name]) response.header.rcode = 3;
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1', type: 'udp4' } });
  return { server, address: `127.0.0.1:${addresses.udp.port}` };
}

async function startSink(port) {
  let received = 0;
  let waiter;
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        waiter?.();
        callback();
      });
    },
  });
  await new Promise((resolve) => sink.listen(port, '127.0.0.1', resolve));
  return {
    received: () => received,
    until: (n) =>
      new Promise((resolve) => {
        waiter = () => received >= n && resolve();
        waiter();
      }),
    close: () => new Promise((resolve) => sink.close(resolve)),
  };
}

async function throughput() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sealmail-bench-'));
  const sinkPort = await freePort();
  const dns = await startDns({
    'remote.bench': [{ type: 'MX', exchange: 'mx.remote.bench', priority: 10 }],
    'mx.remote.bench': [{ type: 'A', address: '127.0.0.1' }],
  });
  const sink = await startSink(sinkPort);
  const config = loadConfig({
    overrides: {
      data_dir: dataDir,
      'ports.smtp': 0, 'ports.imap': 0, 'ports.imaps': 0, 'ports.pop3': 0, 'ports.pop3s': 0, 'ports.https': 0,
      'ports.submissions': 0,
      'dns.servers': [dns.address],
      'delivery.port': sinkPort,
      'delivery.concurrency': 40,
      'delivery.concurrency_per_domain': 20,
      'delivery.poll_interval': '200ms',
    },
  });
  const server = await startServer(config, createLogger({ level: 'error' }), { randomPorts: true, env: {} });
  const { control, masterKey } = server.context;
  const mailboxes = server.context.mailboxes;
  if (!mailboxes) throw new Error('this build has no mailbox store: submission AUTH is unavailable');
  await control.domains.add('bench.example');
  await control.dkimKeys.rotate('bench.example', generateDkimKeys('bench.example', masterKey), new Date(0).toISOString());
  const users = [];
  for (let i = 0; i < CLIENTS; i++) {
    const address = `user${i}@bench.example`;
    await control.aliases.add({ address, mailbox: true });
    await mailboxes.create(address, `bench password ${i}`);
    users.push({ address, pass: `bench password ${i}` });
  }
  const total = CLIENTS * PER_CLIENT;
  // Log every client in first (AUTH unlocks a mailbox: an Argon2id derivation, deliberately slow);
  // the timed part is message throughput on authenticated connections.
  const transports = await Promise.all(
    users.map(async (user) => {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: server.ports.submission,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user: user.address, pass: user.pass },
        pool: true,
        maxConnections: 1,
        maxMessages: Number.POSITIVE_INFINITY,
      });
      await transport.sendMail({ from: user.address, to: 'warmup@remote.bench', subject: 'warm-up', text: body });
      return { transport, user };
    }),
  );
  await sink.until(CLIENTS);
  const baseline = sink.received();
  const started = performance.now();
  await Promise.all(
    transports.map(async ({ transport, user }) => {
      for (let n = 0; n < PER_CLIENT; n++) {
        await transport.sendMail({ from: user.address, to: `rcpt${n}@remote.bench`, subject: `bench ${n}`, text: body });
      }
      transport.close();
    }),
  );
  const submitted = performance.now();
  await sink.until(baseline + total);
  const delivered = performance.now();
  await server.close();
  await sink.close();
  dns.server.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    total,
    submitSeconds: (submitted - started) / 1000,
    endToEndSeconds: (delivered - started) / 1000,
  };
}

async function signCost() {
  const masterKey = Buffer.alloc(32, 7);
  const keys = generateDkimKeys('bench.example', masterKey);
  const sealing = dkimSealingKey(masterKey);
  const message = Buffer.from(`From: a@bench.example\r\nTo: b@remote.bench\r\nSubject: sign\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <x@bench.example>\r\n\r\n${body}`);
  const result = {};
  for (const key of keys) {
    const pem = unsealDkimKey(key, sealing);
    const options = { signatureData: [{ signingDomain: 'bench.example', selector: key.selector, privateKey: pem, algorithm: key.algorithm }] };
    for (let i = 0; i < 20; i++) await dkimSign(message, options); // warm-up
    const start = performance.now();
    for (let i = 0; i < SIGN_ROUNDS; i++) await dkimSign(message, options);
    result[key.algorithm] = (performance.now() - start) / SIGN_ROUNDS;
  }
  return result;
}

const t = await throughput();
console.log(`submission → DKIM (RSA+Ed25519) → encrypted queue → sink, ${CLIENTS} concurrent clients, ${t.total} messages of ~3.7 KB`);
console.log(`  accepted:  ${(t.total / t.submitSeconds).toFixed(1)} messages/s (all submitted in ${t.submitSeconds.toFixed(2)} s)`);
console.log(`  delivered: ${(t.total / t.endToEndSeconds).toFixed(1)} messages/s end to end (${t.endToEndSeconds.toFixed(2)} s)`);
const s = await signCost();
console.log(`DKIM sign cost per message (~3.7 KB, relaxed/relaxed, ${SIGN_ROUNDS} rounds):`);
console.log(`  rsa-sha256 (2048):  ${s['rsa-sha256'].toFixed(3)} ms`);
console.log(`  ed25519-sha256:     ${s['ed25519-sha256'].toFixed(3)} ms`);
