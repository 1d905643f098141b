import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { message, tempDirectory } from '../../src/store/mailbox/test-support.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NAMING_KEY = Buffer.alloc(32, 7);
let env: ReturnType<typeof tempDirectory>;
afterEach(async () => env?.cleanup());

async function mailboxWithMail(address: string) {
  env = tempDirectory({ namingKey: NAMING_KEY });
  await env.directory.create(address, 'pw');
  const session = (await env.directory.unlock(address, 'pw'))!;
  for (let i = 0; i < 30; i++) await session.append('INBOX', message(`Old ${i}`, 'z'.repeat(4000)));
  await session.close();
  const [id] = readdirSync(env.root);
  return path.join(env.root, id!);
}

describe('bad input to the mailbox store', () => {
  it('a corrupted mailbox file is a clear temporary error, and delivery still spools the mail', async () => {
    const dir = await mailboxWithMail('kim@example.com');
    const file = path.join(dir, 'mailbox.db');
    const bytes = readFileSync(file);
    bytes.fill(0x41, 0, 4096);
    writeFileSync(file, bytes);
    await expect(env.directory.unlock('kim@example.com', 'pw')).rejects.toMatchObject({
      code: 'mailbox_unreadable',
      temporary: true,
      message: expect.not.stringMatching(/[0-9a-f]{32}/),
    });
    expect(env.directory.openCount()).toBe(0);
    await env.directory.deliver('kim@example.com', message('Still accepted', 'into the spool'));
  });

  it('a truncated mailbox file is a clear temporary error, never a crash', async () => {
    const dir = await mailboxWithMail('lee@example.com');
    const file = path.join(dir, 'mailbox.db');
    truncateSync(file, Math.floor(statSync(file).size / 3));
    const attempt = async () => {
      const session = await env.directory.unlock('lee@example.com', 'pw');
      try {
        for (const meta of await session!.list('INBOX')) await session!.read('INBOX', meta.uid);
      } finally {
        await session?.close();
      }
    };
    await expect(attempt()).rejects.toMatchObject({ temporary: true });
  });

  it('a damaged key file is a temporary failure for delivery (the sender retries)', async () => {
    const dir = await mailboxWithMail('max@example.com');
    writeFileSync(path.join(dir, 'keys.json'), '{"version":1,"slots":[');
    await expect(env.directory.deliver('max@example.com', message('Retry', 'later'))).rejects.toMatchObject({
      code: 'mailbox_damaged',
      temporary: true,
    });
    expect(await env.directory.unlock('max@example.com', 'pw').catch((e) => e.code)).toBe('mailbox_damaged');
  });

  it('a full disk fails delivery temporarily and loses none of the accepted messages', async () => {
    env = tempDirectory({ namingKey: NAMING_KEY });
    await env.directory.create('full@example.com', 'pw');
    // ulimit -f makes every write beyond ~600 KB fail with EFBIG, as a full disk would.
    const out = execFileSync('bash', ['-c', `ulimit -f 600; exec "${process.execPath}" "${path.join(HERE, 'deliver-child.mjs')}" "$@"`, 'x', env.root, NAMING_KEY.toString('hex'), '80'], {
      encoding: 'utf8',
    });
    const results = JSON.parse(out) as Array<{ i: number; ok: boolean; code?: string; temporary?: boolean; message?: string }>;
    const accepted = results.filter((r) => r.ok).map((r) => r.i);
    const failed = results.filter((r) => !r.ok);
    expect(accepted.length).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    for (const failure of failed) expect(failure).toMatchObject({ code: 'mailbox_unavailable', temporary: true });
    const session = (await env.directory.unlock('full@example.com', 'pw'))!;
    const subjects = [];
    for (const meta of await session.list('INBOX')) subjects.push(/Subject: Full (\d+)/.exec((await session.read('INBOX', meta.uid)).toString())![1]);
    await session.close();
    // Everything the MX was told "stored" is there; nothing else half-written appears.
    expect(subjects.map(Number).filter((i) => accepted.includes(i)).sort((a, b) => a - b)).toEqual(accepted);
  });
});
