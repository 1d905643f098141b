import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../kit/cli.js';
import { buildMessage } from '../kit/messages.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-scan-cli-'));
const write = (name: string, content: Buffer) => {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
};

const phish = buildMessage({
  from: 'PayPal Security <security@account-verify-center.ru>',
  subject: 'Your PayPal account has been limited',
  html:
    '<p>Dear Customer, we noticed unusual activity. Please verify your account information within 24 hours ' +
    'or your account will be suspended.</p><p><a href="http://203.0.113.9/paypal/webscr/login.php">https://www.paypal.com/us/webscr?cmd=_login</a></p>',
});

describe('sealmail scan', () => {
  it('prints one JSON object per message with the documented shape', async () => {
    const ham = write('ham.eml', buildMessage({}));
    const bad = write('phish.eml', phish);
    const result = await runCli(['--data-dir', dir, '--json', 'scan', ham, bad]);
    expect(result.code).toBe(0);
    const [first, second] = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(first).toMatchObject({ file: ham, action: 'accept', spam: { label: 'ham' }, phishing: [], virus: [] });
    expect(typeof first.spam.score).toBe('number');
    expect(second).toMatchObject({ file: bad, spam: { label: 'phish' } });
    expect(['junk', 'reject']).toContain(second.action);
    const results = second.phishing.map((f: { result: string }) => f.result);
    expect(results).toEqual(
      expect.arrayContaining(['DISPLAY_NAME_BRAND_MISMATCH', 'URL_IP_LITERAL', 'LINK_TEXT_BRAND_MISMATCH']),
    );
    for (const finding of second.phishing) expect(Object.keys(finding).sort()).toEqual(['check', 'detail', 'result']);
  });

  it('reads one message from stdin with - or no argument, and explains in text mode', async () => {
    const viaDash = await runCli(['--data-dir', dir, '--json', 'scan', '-'], { input: phish.toString() });
    expect(JSON.parse(viaDash.stdout)).toMatchObject({ file: '-', spam: { label: 'phish' } });
    const text = await runCli(['--data-dir', dir, 'scan'], { input: phish.toString() });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^-: (junk|reject) \(phish, score [\d.]+\)/);
    expect(text.stdout).toContain('URL_IP_LITERAL');
  });

  it('a missing file is a usage error without a stack trace', async () => {
    const result = await runCli(['--data-dir', dir, 'scan', path.join(dir, 'nope.eml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`sealmail: cannot read ${path.join(dir, 'nope.eml')}: ENOENT\n`);
  });
});
