import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { message, tempDirectory } from './test-support.js';

let env: ReturnType<typeof tempDirectory>;
afterEach(async () => env?.cleanup());

describe('SealedMailboxDirectory', () => {
  it('creates a mailbox, refuses a second create, and unlocks only with the password', async () => {
    env = tempDirectory();
    const { directory } = env;
    await directory.create('bob@example.com', 'correct horse');
    expect(await directory.exists('Bob@Example.com')).toBe(true);
    await expect(directory.create('bob@example.com', 'x')).rejects.toMatchObject({ code: 'conflict' });
    expect(await directory.unlock('bob@example.com', 'wrong')).toBeUndefined();
    expect(await directory.unlock('nobody@example.com', 'correct horse')).toBeUndefined();
    const session = await directory.unlock('bob@example.com', 'correct horse');
    expect(session?.address).toBe('bob@example.com');
    const names = (await session!.listFolders()).map((f) => [f.name, f.specialUse]);
    expect(names).toEqual([
      ['INBOX', '\\Inbox'],
      ['Archive', '\\Archive'],
      ['Drafts', '\\Drafts'],
      ['Junk', '\\Junk'],
      ['Sent', '\\Sent'],
      ['Trash', '\\Trash'],
    ]);
    await session!.close();
  });

  it('seals deliveries to the spool while locked and drains them on unlock', async () => {
    env = tempDirectory();
    const { directory, root } = env;
    await directory.create('bob@example.com', 'pw');
    await directory.deliver('bob@example.com', message('Spooled-Token-1', 'body zebra-quartz'));
    await directory.deliver('bob@example.com', message('Junky', 'spam spam'), { folder: '\\Junk', flags: ['$Junk'] });
    await expect(directory.deliver('nobody@example.com', message('x', 'y'))).rejects.toMatchObject({ code: 'not_found' });
    const [id] = readdirSync(root);
    const spool = new Database(path.join(root, id!, 'spool.db'), { readonly: true });
    expect(spool.prepare('select count(*) as n from sealed').get()).toEqual({ n: 2 });
    spool.close();
    const strings = execFileSync('strings', ['-n', '6', ...readdirSync(path.join(root, id!)).map((f) => path.join(root, id!, f))]).toString();
    expect(strings).not.toMatch(/Spooled-Token|zebra|example\.com|INBOX|Junk/);

    const session = (await directory.unlock('bob@example.com', 'pw'))!;
    const inbox = await session.list('INBOX');
    expect(inbox).toHaveLength(1);
    expect((await session.read('INBOX', inbox[0]!.uid)).toString()).toContain('Spooled-Token-1');
    const junk = await session.list('Junk');
    expect(junk.map((m) => m.flags)).toEqual([['$Junk']]);
    const [summary] = await session.summaries('INBOX', [inbox[0]!.uid]);
    expect(summary!.envelope).toEqual({ subject: 'Spooled-Token-1' });
    const reopened = new Database(path.join(root, id!, 'spool.db'), { readonly: true });
    expect(reopened.prepare('select count(*) as n from sealed').get()).toEqual({ n: 0 });
    reopened.close();
    // Delivery while a session is open reaches it (and its watchers) without a new unlock.
    const other = (await directory.unlock('bob@example.com', 'pw'))!;
    const seen = new Promise((resolve) => other.watch(resolve));
    await directory.deliver('bob@example.com', message('Live', 'arrives while open'));
    expect(await seen).toMatchObject({ kind: 'exists', folder: 'INBOX' });
    expect(await session.list('INBOX')).toHaveLength(2);
    await session.close();
    await other.close();
  });

  it('keeps mailbox files unreadable without the key: "file is not a database"', async () => {
    env = tempDirectory();
    const { directory, root } = env;
    await directory.create('carol@example.com', 'pw');
    const session = (await directory.unlock('carol@example.com', 'pw'))!;
    await session.append('INBOX', message('Secret-Subject-Token', 'plaintext-body-token unique'));
    await session.createFolder('Private-Folder-Token');
    await session.close();
    const [id] = readdirSync(root);
    const file = path.join(root, id!, 'mailbox.db');
    expect(() => execFileSync('sqlite3', [file, 'select * from folders'], { stdio: 'pipe' })).toThrow(/file is not a database/);
    const text = readFileSync(file).toString('latin1') + execFileSync('strings', [file]).toString();
    expect(text).not.toMatch(/Secret-Subject-Token|plaintext-body-token|Private-Folder-Token|carol|example\.com/);
  });

  it('zeroes keys and empties the cache after the last session closes and the idle TTL passes', async () => {
    env = tempDirectory({ idleTtlMs: 150 });
    const { directory } = env;
    await directory.create('dave@example.com', 'pw');
    const a = (await directory.unlock('dave@example.com', 'pw'))!;
    const b = (await directory.unlock('dave@example.com', 'pw'))!;
    expect(directory.openCount()).toBe(1);
    await a.close();
    await new Promise((r) => setTimeout(r, 250));
    expect(directory.openCount()).toBe(1);
    await b.close();
    expect(directory.openCount()).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(directory.openCount()).toBe(0);
    await expect(b.list('INBOX')).rejects.toMatchObject({ code: 'session_closed' });
  });
});
