// npm run bench:mx — 20 concurrent SMTP sessions send 10 KB messages to mailbox aliases of the
// real server (built dist/, MX listener, pipeline with SPF/DKIM/DMARC through a local DNS server,
// sealed into the mailbox spool). Prints accepted messages/s and latency percentiles.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import dns2 from 'dns2';
import { startServer } from '../dist/app/server.js';
import { loadConfig } from '../dist/config/load.js';
import { createLogger } from '../dist/log/logger.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const SIZE = 10 * 1024;

const { Packet } = dns2;
const dns = dns2.createServer({
  udp: true,
  handle(request, send) {
    const response = Packet.createResponseFromRequest(request);
    const [q] = request.questions;
    if (q && q.type === Packet.TYPE.TXT && q.name.toLowerCase() === 'sender.bench') {
      response.answers.push({ name: q.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 300, data: 'v=spf1 ip4:127.0.0.1 -all' });
    } else if (q?.name.toLowerCase() !== 'sender.bench') {
      response.header.rcode = 3;
    }
    send(response);
  },
});
const dnsAddress = await dns.listen({ udp: { port: 0, address: '127.0.0.1', type: 'udp4' } });

const dataDir = mkdtempSync(path.join(tmpdir(), 'sealmail-bench-'));
const config = loadConfig({
  overrides: {
    data_dir: dataDir,
    hostname: 'mx.bench.test',
    'ports.submission': 0, 'ports.submissions': 0, 'ports.imap': 0, 'ports.imaps': 0,
    'ports.pop3': 0, 'ports.pop3s': 0, 'ports.https': 0, 'ports.smtp': 1,
    'dns.servers': [`127.0.0.1:${dnsAddress.udp.port}`],
    // All sessions come from 127.0.0.1: lift the hourly message caps so the guard is measured, not its 451s.
    'guard.messages.per_ip_per_hour': 1_000_000,
    'guard.messages.per_sender_domain_per_hour': 1_000_000,
  },
});
const log = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const server = await startServer(config, log, { randomPorts: true, env: {} });
const { control, mailboxes } = server.context;
await control.domains.add('bench.test');
const recipients = [];
for (let i = 0; i < SESSIONS; i++) {
  const address = `box${i}@bench.test`;
  await control.aliases.add({ address, mailbox: true });
  if (mailboxes) await mailboxes.create(address, `bench password ${i} long enough`);
  recipients.push(address);
}

const body = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(18)}\r\n`.repeat(10);
const message = (n) =>
  Buffer.from(
    `From: alice@sender.bench\r\nTo: box@bench.test\r\nSubject: bench ${n}\r\nMessage-ID: <${n}.${Date.now()}@sender.bench>\r\n\r\n${body}`,
  ).subarray(0, SIZE);

function session(port, rcpt, count, latencies, codes) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = '';
    const waiters = [];
    const lines = [];
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let index = buffer.search(/^\d{3} .*\r\n/m);
      while (index >= 0) {
        const end = buffer.indexOf('\r\n', index) + 2;
        const line = buffer.slice(index, end);
        buffer = buffer.slice(end);
        const waiter = waiters.shift();
        if (waiter) waiter(line);
        else lines.push(line);
        index = buffer.search(/^\d{3} .*\r\n/m);
      }
    });
    socket.on('error', reject);
    const reply = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => waiters.push(r)));
    (async () => {
      await reply();
      socket.write('EHLO client.sender.bench\r\n');
      await reply();
      for (let n = 0; n < count; n++) {
        const started = performance.now();
        // PIPELINING: envelope and DATA in one write.
        socket.write(`MAIL FROM:<alice@sender.bench>\r\nRCPT TO:<${rcpt}>\r\nDATA\r\n`);
        await reply();
        await reply();
        await reply();
        socket.write(Buffer.concat([message(n), Buffer.from('\r\n.\r\n')]));
        const final = await reply();
        latencies.push(performance.now() - started);
        codes.set(final.slice(0, 3), (codes.get(final.slice(0, 3)) ?? 0) + 1);
      }
      socket.end('QUIT\r\n');
      resolve();
    })().catch(reject);
  });
}

const latencies = [];
const codes = new Map();
const perSession = Math.ceil(MESSAGES / SESSIONS);
const started = performance.now();
await Promise.all(recipients.map((rcpt) => session(server.ports.smtp, rcpt, perSession, latencies, codes)));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
const accepted = codes.get('250') ?? 0;
console.log(`mx bench: ${SESSIONS} sessions, ${latencies.length} messages of ${SIZE} bytes to mailbox aliases`);
console.log(`replies: ${JSON.stringify(Object.fromEntries(codes))}`);
console.log(`accepted: ${(accepted / seconds).toFixed(1)} msg/s over ${seconds.toFixed(2)} s`);
console.log(`latency ms: p50 ${pct(50)}  p90 ${pct(90)}  p99 ${pct(99)}  max ${latencies.at(-1).toFixed(1)}`);
await server.close();
await dns.close();
rmSync(dataDir, { recursive: true, force: true });
