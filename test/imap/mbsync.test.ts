/** mbsync (isync) syncs down and back up: flags, a new folder, deletions; the next sync is a no-op. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageMeta } from '../../src/store/mailbox/types.js';
import { PASSWORD, sampleMessage, startMailFixture, USER, type MailFixture } from './fixture.js';

const run = promisify(execFile);
let fx: MailFixture;
let dir: string;

beforeAll(async () => {
  fx = await startMailFixture(3);
  dir = mkdtempSync(path.join(tmpdir(), 'sealmail-mbsync-'));
  mkdirSync(path.join(dir, 'mail'));
  writeFileSync(
    path.join(dir, 'mbsyncrc'),
    [
      'IMAPAccount remote',
      'Host 127.0.0.1',
      `Port ${fx.ports.imaps}`,
      `User ${USER}`,
      `Pass "${PASSWORD}"`,
      'SSLType IMAPS',
      `CertificateFile ${fx.server.config.tls.cert}`,
      '',
      'IMAPStore remote',
      'Account remote',
      '',
      'MaildirStore local',
      `Path ${dir}/mail/`,
      `Inbox ${dir}/mail/INBOX`,
      'SubFolders Verbatim',
      '',
      'Channel sync',
      'Far :remote:',
      'Near :local:',
      'Patterns *',
      'Create Both',
      'Expunge Both',
      'SyncState *',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await fx.close();
  rmSync(dir, { recursive: true, force: true });
});

const mbsync = () =>
  run('mbsync', ['-c', path.join(dir, 'mbsyncrc'), '-a'], { timeout: 60_000 }).catch((error) => {
    throw new Error(`mbsync failed: ${error.stdout} ${error.stderr}`);
  });
const files = (folder: string) =>
  ['cur', 'new'].flatMap((sub) => readdirSync(path.join(dir, 'mail', folder, sub)).map((f) => path.join(sub, f))).sort();

/** Everything the server holds for the user (folders, UIDs, flags), read through the store contract. */
async function serverState(): Promise<Record<string, MessageMeta[]>> {
  const session = await fx.mailboxes.unlock(USER, PASSWORD);
  if (!session) throw new Error('cannot unlock');
  try {
    const state: Record<string, MessageMeta[]> = {};
    for (const folder of await session.listFolders()) {
      state[folder.name] = (await session.list(folder.name)).map((m) => ({ ...m, flags: [...m.flags].sort() }));
    }
    return state;
  } finally {
    await session.close();
  }
}

async function readAll(folder: string): Promise<Buffer[]> {
  const session = await fx.mailboxes.unlock(USER, PASSWORD);
  if (!session) throw new Error('cannot unlock');
  try {
    const list = await session.list(folder);
    return Promise.all(list.map((m) => session.read(folder, m.uid)));
  } finally {
    await session.close();
  }
}

it('syncs down, syncs local changes back up, and a second sync changes nothing', async () => {
  await mbsync();
  expect(files('INBOX')).toHaveLength(3);
  expect(readdirSync(path.join(dir, 'mail'))).toEqual(expect.arrayContaining(['INBOX', 'Sent', 'Trash']));

  // Local changes: flag one, delete one (trashed + expunged), a new folder with a new message.
  const inbox = files('INBOX');
  const [first, second] = inbox as [string, string];
  const flagged = path.join(dir, 'mail', 'INBOX', 'cur', `${path.basename(first).split(':2,')[0]}:2,FS`);
  renameSync(path.join(dir, 'mail', 'INBOX', first), flagged);
  renameSync(path.join(dir, 'mail', 'INBOX', second), path.join(dir, 'mail', 'INBOX', 'cur', `${path.basename(second).split(':2,')[0]}:2,ST`));
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(dir, 'mail', 'Receipts', sub), { recursive: true });
  writeFileSync(path.join(dir, 'mail', 'Receipts', 'new', '1700000000.1_1.localhost'), sampleMessage(77));

  await mbsync();
  const state = await serverState();
  const serverInbox = state.INBOX ?? [];
  expect(serverInbox).toHaveLength(2);
  expect(serverInbox.filter((m) => m.flags.includes('\\Flagged') && m.flags.includes('\\Seen'))).toHaveLength(1);
  const receipts = await readAll('Receipts');
  expect(receipts).toHaveLength(1);
  // mbsync adds its own X-TUID header to find the new UID; the rest arrives byte for byte.
  expect(receipts[0]?.toString().replace(/^X-TUID: .*\r?\n/m, '')).toBe(sampleMessage(77).toString());

  // A flag set on the server comes down too.
  await fx.mailboxes.deliver(USER, sampleMessage(8));
  await mbsync();
  expect(files('INBOX')).toHaveLength(3);

  const before = { server: await serverState(), local: ['INBOX', 'Receipts'].map(files) };
  const { stdout, stderr } = await mbsync();
  expect({ server: await serverState(), local: ['INBOX', 'Receipts'].map(files) }).toEqual(before);
  expect(`${stdout}${stderr}`).not.toMatch(/error/i);
});
