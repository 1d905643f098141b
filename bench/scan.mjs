// npm run bench:scan — content-stage throughput on one core, 10 KB messages, clamd excluded.
import { configSchema } from '../dist/config/schema.js';
import { contentDepsFromConfig } from '../dist/security/content/deps.js';
import { scanMessage } from '../dist/security/content/scan.js';

const deps = contentDepsFromConfig(configSchema.parse({}));
const words = 'account meeting invoice free offer project update please review attached report schedule payment verify'.split(' ');

function message(i) {
  let text = '';
  let n = i;
  while (text.length < 4500) {
    n = (n * 1103515245 + 12345) >>> 0;
    text += `${words[n % words.length]} `;
    if (n % 17 === 0) text += '\r\n';
  }
  const html = `<html><body><p>${text.replace(/\r\n/g, '</p><p>')}</p><a href="https://www.example${i % 50}.com/path?id=${i}">www.example${i % 50}.com</a><a href="https://bit.ly/x${i}">here</a></body></html>`;
  return Buffer.from(
    `From: Sender ${i} <sender${i}@example${i % 50}.com>\r\nTo: user@example.org\r\nSubject: Update number ${i} for your account\r\n` +
      `Date: Mon, 02 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${i}@example.com>\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: multipart/alternative; boundary="b${i}"\r\n\r\n--b${i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n` +
      `--b${i}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n--b${i}--\r\n`,
  );
}

const count = Number(process.env.BENCH_MESSAGES ?? 2000);
const messages = Array.from({ length: 200 }, (_, i) => message(i));
const size = messages.reduce((sum, m) => sum + m.length, 0) / messages.length;
for (const m of messages.slice(0, 50)) await scanMessage(m, deps); // warm-up
const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
for (let i = 0; i < count; i++) await scanMessage(messages[i % messages.length], deps);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(`bench:scan  ${count} messages of ${(size / 1024).toFixed(1)} KB (no clamd)`);
console.log(`  wall: ${(count / seconds).toFixed(0)} messages/s  (${((seconds / count) * 1000).toFixed(2)} ms each)`);
console.log(`  cpu:  ${(count / cpuSeconds).toFixed(0)} messages/s per core-second`);
