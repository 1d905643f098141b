import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_KDF } from '../../crypto/kdf.js';
import { message, tempDirectory } from './test-support.js';

let env: ReturnType<typeof tempDirectory>;
afterEach(async () => env?.cleanup());

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('mailbox passwords', () => {
  it('uses Argon2id with at least 64 MiB and t=3, stores salt and parameters, and costs the same for unknown addresses', async () => {
    env = tempDirectory({ kdf: DEFAULT_KDF });
    await env.directory.create('frank@example.com', 'pw');
    const [id] = readdirSync(env.root);
    const keys = JSON.parse(readFileSync(path.join(env.root, id!, 'keys.json'), 'utf8'));
    expect(keys.kdf).toEqual({ algorithm: 'argon2id', memoryKib: 65536, iterations: 3, parallelism: 1 });
    expect(Buffer.from(keys.salt, 'base64')).toHaveLength(16);
    expect(JSON.stringify(keys)).not.toMatch(/frank|example/);
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      wrong.push(await timed(() => env.directory.unlock('frank@example.com', 'nope')));
      unknown.push(await timed(() => env.directory.unlock('ghost@example.com', 'nope')));
    }
    // Both run exactly one Argon2id at full cost (tens of ms); a skipped KDF would take well under 1 ms.
    // The bounds are loose because the test machine is shared; the floor is what catches a skipped KDF.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.33);
    expect(median(unknown)).toBeLessThan(median(wrong) * 3);
    expect(median(unknown)).toBeGreaterThan(10);
  });

  it('lets several passwords wrap one data key; adding, changing and revoking never rewrites the mailbox', async () => {
    env = tempDirectory();
    const { directory, root } = env;
    await directory.create('gina@example.com', 'first');
    const s = (await directory.unlock('gina@example.com', 'first'))!;
    await s.append('INBOX', message('Kept', 'across password changes'));
    await s.close();
    const [id] = readdirSync(root);
    const dbFile = path.join(root, id!, 'mailbox.db');
    const before = statSync(dbFile).mtimeMs;
    const phone = await directory.addPassword('gina@example.com', 'first', 'phone-app', 'phone');
    await expect(directory.addPassword('gina@example.com', 'bad', 'x')).rejects.toMatchObject({ code: 'auth_failed' });
    expect((await directory.passwords('gina@example.com')).map((p) => p.label)).toEqual(['initial', 'phone']);
    for (const password of ['first', 'phone-app']) {
      const session = (await directory.unlock('gina@example.com', password))!;
      expect(await session.list('INBOX')).toHaveLength(1);
      await session.close();
    }
    await directory.changePassword('gina@example.com', 'first', 'second');
    expect(await directory.unlock('gina@example.com', 'first')).toBeUndefined();
    const viaSecond = (await directory.unlock('gina@example.com', 'second'))!;
    await viaSecond.close();
    await directory.revokePassword('gina@example.com', 'second', phone);
    expect(await directory.unlock('gina@example.com', 'phone-app')).toBeUndefined();
    const [only] = await directory.passwords('gina@example.com');
    await expect(directory.revokePassword('gina@example.com', 'second', only!.id)).rejects.toMatchObject({ code: 'conflict' });
    expect(statSync(dbFile).mtimeMs).toBe(before);
  });

  it('admin reset gives a new empty mailbox and keeps or destroys the old one', async () => {
    env = tempDirectory();
    const { directory, root } = env;
    await directory.create('hana@example.com', 'old');
    await directory.deliver('hana@example.com', message('Before', 'reset'));
    await directory.reset('hana@example.com', 'new', { keepOld: true });
    expect(readdirSync(root)).toHaveLength(2);
    expect(await directory.unlock('hana@example.com', 'old')).toBeUndefined();
    const fresh = (await directory.unlock('hana@example.com', 'new'))!;
    expect(await fresh.list('INBOX')).toEqual([]);
    await fresh.close();
    await directory.reset('hana@example.com', 'newer', { keepOld: false });
    expect(readdirSync(root)).toHaveLength(2);
    expect(await directory.unlock('hana@example.com', 'new')).toBeUndefined();
  });

  it('destroy shreds the wrapped keys, then removes the files, and ends open sessions', async () => {
    env = tempDirectory({ idleTtlMs: 60_000 });
    const { directory, root } = env;
    await directory.create('ivan@example.com', 'pw');
    const session = (await directory.unlock('ivan@example.com', 'pw'))!;
    await directory.destroy('ivan@example.com');
    expect(readdirSync(root)).toEqual([]);
    expect(directory.openCount()).toBe(0);
    await expect(session.list('INBOX')).rejects.toMatchObject({ code: 'session_closed' });
    expect(await directory.exists('ivan@example.com')).toBe(false);
    await directory.destroy('ivan@example.com');
  });
});
