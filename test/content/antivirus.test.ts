import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { scanBuffer } from '../../src/security/antivirus/clamd.js';
import { contentDepsFromConfig } from '../../src/security/content/deps.js';
import { scanMessage } from '../../src/security/content/scan.js';
import { eicar, startClamd, type TestClamd } from '../kit/clamd.js';
import { runCli } from '../kit/cli.js';
import { buildMessage } from '../kit/messages.js';
import { zip } from '../kit/zip.js';

let clamd: TestClamd;
beforeAll(async () => {
  clamd = await startClamd();
});
afterAll(async () => {
  await clamd?.close();
});

const withEicar = (filename: string, content: Buffer) =>
  buildMessage({ attachments: [{ filename, contentType: 'application/octet-stream', content }] });

describe('antivirus: a real clamd over INSTREAM', () => {
  it('clamd answers clean and infected', async () => {
    const options = { address: clamd.socket, timeoutMs: 10_000 };
    expect(await scanBuffer(Buffer.from('just text'), options)).toEqual({ status: 'clean' });
    expect(await scanBuffer(eicar(), options)).toEqual({ status: 'infected', signature: 'Sealmail.Test.EICAR.UNOFFICIAL' });
  });

  it('an EICAR attachment is refused with 554 5.7.1, also inside a zip', async () => {
    const deps = contentDepsFromConfig(configSchema.parse({ antivirus: { clamd: clamd.socket } }));
    for (const raw of [withEicar('eicar.com.txt', eicar()), withEicar('files.zip', zip('eicar.txt', { data: eicar() }))]) {
      const verdict = await scanMessage(raw, deps);
      expect(verdict.action).toBe('reject');
      expect(verdict.reply).toEqual({ code: 554, enhanced: '5.7.1', text: 'Message refused: it carries a virus' });
      expect(verdict.virus[0]?.result).toBe('FOUND');
    }
    const clean = await scanMessage(buildMessage({}), deps);
    expect(clean.action).toBe('accept');
    expect(clean.virus).toEqual([]);
  });

  it('clamd unreachable fails closed with 451, or accepts when configured', async () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'sealmail-noclamd-')), 'none.sock');
    const closed = contentDepsFromConfig(configSchema.parse({ antivirus: { clamd: missing } }));
    const verdict = await scanMessage(withEicar('eicar.com.txt', eicar()), closed);
    expect(verdict.action).toBe('tempfail');
    expect(verdict.reply).toMatchObject({ code: 451, enhanced: '4.7.1' });
    expect(verdict.virus[0]).toMatchObject({ result: 'ERROR' });
    const open = contentDepsFromConfig(configSchema.parse({ antivirus: { clamd: missing, on_error: 'accept' } }));
    expect((await scanMessage(buildMessage({}), open)).action).toBe('accept');
  });

  it('sealmail scan --json reports the virus', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-scan-'));
    const file = path.join(dir, 'eicar.eml');
    writeFileSync(file, withEicar('eicar.com.txt', eicar()));
    const config = path.join(dir, 'sealmail.toml');
    writeFileSync(config, `[antivirus]\nclamd = "${clamd.socket}"\n`);
    const result = await runCli(['--config', config, '--data-dir', dir, '--json', 'scan', file]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ file, action: 'reject', virus: [{ check: 'antivirus', result: 'FOUND' }] });
  });
});
