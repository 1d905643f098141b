/**
 * npm run bench:imap — 50 concurrent clients on one mailbox of 5,000 messages doing a
 * SELECT/FETCH/STORE/SEARCH/IDLE mix over imaps. Prints operations/s, p50/p99 latency per
 * command and memory per connection. Store: the real encrypted store (BENCH_STORE=memory for the
 * in-memory contract double, to separate protocol cost from store cost).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { summariseMessage } from '../src/mail/imap-structure.js';
import { openMailboxDirectory } from '../src/store/mailbox/open.js';
import { createLogger } from '../src/log/logger.js';
import { TlsProvider } from '../src/net/tls.js';
import { createImapServer } from '../src/protocols/imap/server.js';
import { testCertificateFiles } from '../test/kit/certs.js';
import { MemoryMailboxDirectory } from '../test/kit/memory-mailboxes.js';
import { PASSWORD, sampleMessage, USER } from '../test/imap/fixture.js';
import { RawImap } from '../test/imap/raw-client.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

it('imap mix', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sealmail-bench-'));
  const cert = testCertificateFiles('localhost');
  const mailboxes =
    process.env.BENCH_STORE === 'memory'
      ? new MemoryMailboxDirectory()
      : openMailboxDirectory(loadConfig({ overrides: { data_dir: dataDir } }), randomBytes(32), { summarise: summariseMessage });
  await mailboxes.create(USER, PASSWORD);
  // Seal into the spool, then one unlock drains it into the encrypted SQLite file.
  for (let i = 1; i <= MESSAGES; i++) await mailboxes.deliver(USER, sampleMessage(i));
  const drain = performance.now();
  await (await mailboxes.unlock(USER, PASSWORD))?.close();
  const drainMs = performance.now() - drain;
  const listener = await createImapServer({
    host: '127.0.0.1',
    port: 0,
    hostname: 'localhost',
    implicitTls: true,
    tls: new TlsProvider({ hostname: 'localhost', dataDir, certFile: cert.cert, keyFile: cert.key }),
    mailboxes,
    log: createLogger({ level: 'silent' }),
  });

  globalThis.gc?.();
  const before = process.memoryUsage();
  const clients: RawImap[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const client = await RawImap.connect(listener.port);
    await client.command('L', `LOGIN "${USER}" "${PASSWORD}"`);
    await client.command('S', 'SELECT INBOX', 30_000);
    clients.push(client);
  }
  globalThis.gc?.();
  const after = process.memoryUsage();

  const latencies: Record<string, number[]> = { SELECT: [], FETCH: [], STORE: [], SEARCH: [], IDLE: [] };
  const deadline = Date.now() + SECONDS * 1000;
  let tagCounter = 0;
  const random = (n: number) => 1 + Math.floor(Math.random() * n);
  const worker = async (client: RawImap) => {
    while (Date.now() < deadline) {
      const roll = Math.random();
      const tag = `T${tagCounter++}`;
      const started = performance.now();
      let kind: string;
      if (roll < 0.05) {
        kind = 'SELECT';
        await client.command(tag, 'SELECT INBOX', 60_000);
      } else if (roll < 0.45) {
        kind = 'FETCH';
        const from = random(MESSAGES - 20);
        await client.command(tag, `FETCH ${from}:${from + 19} (UID FLAGS ENVELOPE RFC822.SIZE)`, 60_000);
      } else if (roll < 0.7) {
        kind = 'STORE';
        await client.command(tag, `STORE ${random(MESSAGES)} ${Math.random() < 0.5 ? '+' : '-'}FLAGS.SILENT (\\Seen)`, 60_000);
      } else if (roll < 0.9) {
        kind = 'SEARCH';
        await client.command(tag, Math.random() < 0.5 ? 'SEARCH UNSEEN' : `SEARCH SUBJECT "number ${random(MESSAGES)}"`, 60_000);
      } else {
        kind = 'IDLE';
        const from = client.transcript.length;
        client.send(`${tag} IDLE\r\n`);
        await client.waitFor(/^\+ idling/m, 60_000, from);
        client.send('DONE\r\n');
        await client.waitFor(new RegExp(`^${tag} OK`, 'm'), 60_000, from);
      }
      (latencies[kind] as number[]).push(performance.now() - started);
      // Keep the transcript from growing without bound.
      if (client.transcript.length > 1_000_000) client.reset();
    }
  };
  const started = Date.now();
  await Promise.all(clients.map(worker));
  const elapsed = (Date.now() - started) / 1000;

  const all = Object.values(latencies).flat();
  const pct = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  };
  const lines = [
    `imap bench (${process.env.BENCH_STORE === 'memory' ? 'in-memory store' : 'encrypted store'}): ${CLIENTS} clients, ${MESSAGES} messages, ${elapsed.toFixed(1)} s (spool drain of ${MESSAGES}: ${(drainMs / 1000).toFixed(1)} s)`,
    `  total: ${all.length} ops, ${(all.length / elapsed).toFixed(0)} ops/s, p50 ${pct(all, 50).toFixed(1)} ms, p99 ${pct(all, 99).toFixed(1)} ms`,
    ...Object.entries(latencies).map(
      ([name, values]) => `  ${name.padEnd(6)} ${String(values.length).padStart(6)} ops  p50 ${pct(values, 50).toFixed(1)} ms  p99 ${pct(values, 99).toFixed(1)} ms`,
    ),
    `  memory per connection (selected, idle; server + minimal client in one process): heap ${((after.heapUsed - before.heapUsed) / CLIENTS / 1024).toFixed(0)} KiB, rss ${((after.rss - before.rss) / CLIENTS / 1024).toFixed(0)} KiB`,
  ];
  console.log(lines.join('\n'));
  for (const client of clients) client.close();
  await listener.close(0);
  await mailboxes.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(cert.dir, { recursive: true, force: true });
});
