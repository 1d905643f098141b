// npm run bench:store — the encrypted mailbox store's figures (issue 3), on the built dist/.
// BENCH_COUNT (default 10000) messages of BENCH_SIZE bytes (default 10 KB).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_KDF } from '../dist/crypto/kdf.js';
import { SealedMailboxDirectory } from '../dist/store/mailbox/directory.js';

const COUNT = Number(process.env.BENCH_COUNT ?? 10_000);
const SIZE = Number(process.env.BENCH_SIZE ?? 10_240);
const CHEAP_KDF = { algorithm: 'argon2id', memoryKib: 1024, iterations: 1, parallelism: 1 };

function message(i) {
  const head = `From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: Benchmark message ${i}\r\nMessage-ID: <${i}@bench>\r\nDate: Sun, 29 Nov 2026 12:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`;
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
  let body = '';
  let n = i;
  while (head.length + body.length < SIZE - 2) {
    body += `${words[n % 10]}${body.length % 73 === 0 ? '\r\n' : ' '}`;
    n = (n * 7 + 3) % 1_000_003;
  }
  return Buffer.from(`${head}${body.slice(0, SIZE - head.length - 2)}\r\n`);
}

function directory(root, extra = {}) {
  return new SealedMailboxDirectory({ root, namingKey: Buffer.alloc(32, 1), kdf: CHEAP_KDF, idleTtlMs: 0, ...extra });
}

const rate = (n, ms) => Math.round((n * 1000) / ms);

async function sealAndDrain(label, extra) {
  const base = mkdtempSync(path.join(tmpdir(), 'sealmail-bench-'));
  const dir = directory(path.join(base, 'mailboxes'), extra);
  await dir.create('bench@example.com', 'bench-password');
  const messages = Array.from({ length: COUNT }, (_, i) => message(i));
  let start = performance.now();
  for (const raw of messages) await dir.deliver('bench@example.com', raw);
  const sealMs = performance.now() - start;
  start = performance.now();
  const session = await dir.unlock('bench@example.com', 'bench-password');
  const drainMs = performance.now() - start;
  const stored = (await session.status('INBOX')).messages;
  // Appends through a session: the same write path, no sealing.
  start = performance.now();
  const appendCount = Math.min(COUNT, 2000);
  for (let i = 0; i < appendCount; i++) await session.append('Archive', messages[i]);
  const appendMs = performance.now() - start;
  start = performance.now();
  for (let i = 1; i <= Math.min(stored, 2000); i++) await session.read('INBOX', i);
  const readMs = performance.now() - start;
  await session.close();
  await dir.close();
  rmSync(base, { recursive: true, force: true });
  console.log(
    `${label}: seal+spool ${rate(COUNT, sealMs)} msg/s, drain ${rate(stored, drainMs)} msg/s (${stored} stored), ` +
      `append ${rate(appendCount, appendMs)} msg/s, read ${rate(Math.min(stored, 2000), readMs)} msg/s`,
  );
  return { seal: rate(COUNT, sealMs), drain: rate(stored, drainMs), append: rate(appendCount, appendMs), read: rate(Math.min(stored, 2000), readMs) };
}

async function unlockLatency() {
  const base = mkdtempSync(path.join(tmpdir(), 'sealmail-bench-'));
  const dir = directory(path.join(base, 'mailboxes'), { kdf: DEFAULT_KDF });
  await dir.create('bench@example.com', 'bench-password');
  const times = [];
  for (let i = 0; i < 9; i++) {
    const start = performance.now();
    const session = await dir.unlock('bench@example.com', 'bench-password');
    times.push(performance.now() - start);
    await session.close();
  }
  await dir.close();
  rmSync(base, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  console.log(`unlock (Argon2id 64 MiB, t=3, + open): p50 ${times[4].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times[8].toFixed(0)} ms`);
}

async function memoryPerMailbox() {
  const base = mkdtempSync(path.join(tmpdir(), 'sealmail-bench-'));
  const dir = directory(path.join(base, 'mailboxes'), { idleTtlMs: 60_000 });
  const N = 50;
  for (let i = 0; i < N; i++) {
    await dir.create(`m${i}@example.com`, 'bench-password');
    const s = await dir.unlock(`m${i}@example.com`, 'bench-password');
    for (let j = 0; j < 20; j++) await s.append('INBOX', message(j));
    await s.close();
  }
  await dir.close();
  const fresh = directory(path.join(base, 'mailboxes'), { idleTtlMs: 60_000 });
  globalThis.gc?.();
  const before = process.memoryUsage();
  const sessions = [];
  for (let i = 0; i < N; i++) {
    const s = await fresh.unlock(`m${i}@example.com`, 'bench-password');
    await s.list('INBOX');
    await s.read('INBOX', 1);
    sessions.push(s);
  }
  globalThis.gc?.();
  const after = process.memoryUsage();
  console.log(
    `memory per open mailbox (${N} open, 20 messages each): rss ${((after.rss - before.rss) / N / 1024).toFixed(0)} KiB, ` +
      `js heap ${((after.heapUsed - before.heapUsed) / N / 1024).toFixed(0)} KiB`,
  );
  for (const s of sessions) await s.close();
  await fresh.close();
  rmSync(base, { recursive: true, force: true });
}

console.log(`sealmail bench:store — ${COUNT} messages of ${SIZE} bytes`);
const encrypted = await sealAndDrain('encrypted', {});
const plain = await sealAndDrain('plain sqlite', { unencryptedForBenchmark: true });
console.log(
  `encrypted / plain: drain ${(encrypted.drain / plain.drain).toFixed(2)}, append ${(encrypted.append / plain.append).toFixed(2)}, read ${(encrypted.read / plain.read).toFixed(2)}`,
);
await unlockLatency();
await memoryPerMailbox();
