import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { zip } from '../../../test/kit/zip.js';
import { contentDepsFromConfig } from './deps.js';
import { readHtml } from './html.js';
import { scanMessage } from './scan.js';

const deps = contentDepsFromConfig(configSchema.parse({}));
const head = 'From: x@example.net\r\nTo: y@example.com\r\nSubject: t\r\nMessage-ID: <1@example.net>\r\n';

async function timed(raw: Buffer | string) {
  const started = performance.now();
  const before = process.memoryUsage().heapUsed;
  const verdict = await scanMessage(Buffer.from(raw), deps);
  return { verdict, ms: performance.now() - started, heapGrowth: process.memoryUsage().heapUsed - before };
}
const codes = (v: { findings: { result: string }[] }) => v.findings.map((f) => f.result);

function nested(depth: number): string {
  let open = `${head}Content-Type: multipart/mixed; boundary="b0"\r\n\r\n`;
  let close = '';
  for (let i = 1; i < depth; i++) {
    open += `--b${i - 1}\r\nContent-Type: multipart/mixed; boundary="b${i}"\r\n\r\n`;
    close = `\r\n--b${i - 1}--\r\n${close}`;
  }
  return `${open}--b${depth - 1}\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b${depth - 1}--\r\n${close}`;
}

describe('bad input gets a bounded verdict, never a crash', () => {
  it('deeply nested multiparts are not parsed past the limit', async () => {
    const { verdict, ms } = await timed(nested(5000));
    expect(codes(verdict)).toContain('MIME_TOO_COMPLEX');
    expect(ms).toBeLessThan(3000);
  });

  it('a flat message with 30 000 parts', async () => {
    const parts = '--b\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(30_000);
    const { verdict, ms } = await timed(`${head}Content-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`);
    expect(['accept', 'junk', 'reject']).toContain(verdict.action);
    expect(codes(verdict).some((c) => c.startsWith('MIME_') || c === 'TOO_MANY_ATTACHMENTS')).toBe(true);
    expect(ms).toBeLessThan(5000);
  });

  it('huge hostile HTML is cut and read in linear time', async () => {
    const html = '<a href="x"><script>'.repeat(200_000) + '<div'.repeat(200_000);
    const started = performance.now();
    readHtml(html, 200);
    expect(performance.now() - started).toBeLessThan(2000);
    const { verdict, ms } = await timed(`${head}Content-Type: text/html\r\n\r\n${html}`);
    expect(codes(verdict)).toContain('HTML_TRUNCATED');
    expect(ms).toBeLessThan(5000);
  });

  it('unknown charsets and broken encodings still classify', async () => {
    const { verdict } = await timed(
      `${head}Content-Type: text/plain; charset=x-no-such-charset\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@not base64!!!\r\n`,
    );
    expect(['accept', 'junk']).toContain(verdict.action);
    const garbage = await timed(Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0x0d, 0x3a, 0x3a, 0x00, 0x80]));
    expect(garbage.verdict.spam.label).toBeDefined();
  });

  it('a zip bomb is recognised from its directory without inflating it', async () => {
    const bomb = zip('layer.txt', { declared: 4_200_000_000 }).toString('base64');
    const raw =
      `${head}Content-Type: multipart/mixed; boundary="z"\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n` +
      `--z\r\nContent-Type: application/zip; name="a.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n${bomb}\r\n--z--\r\n`;
    const { verdict, heapGrowth } = await timed(raw);
    expect(codes(verdict)).toContain('ZIP_BOMB');
    expect(verdict.action).toBe('reject');
    expect(heapGrowth).toBeLessThan(200 * 1024 * 1024);
  });

  it('an oversized message is scanned up to max_message_bytes only', async () => {
    const small = contentDepsFromConfig(configSchema.parse({ content: { max_message_bytes: 4096 } }));
    const verdict = await scanMessage(Buffer.from(`${head}\r\n${'word '.repeat(100_000)}`), small);
    expect(codes(verdict)).toContain('MESSAGE_TRUNCATED');
  });
});
