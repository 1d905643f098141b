import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxEvent, MailboxSession } from './types.js';
import { message, tempDirectory } from './test-support.js';

let env: ReturnType<typeof tempDirectory>;
let session: MailboxSession;

beforeEach(async () => {
  env = tempDirectory();
  await env.directory.create('erin@example.com', 'pw');
  session = (await env.directory.unlock('erin@example.com', 'pw'))!;
});
afterEach(async () => {
  await session.close();
  await env.cleanup();
});

describe('MailboxSession', () => {
  it('appends with UIDs, MODSEQ, flags, INTERNALDATE and size, and reports status', async () => {
    const date = new Date('2026-01-02T03:04:05Z');
    const raw = message('First', 'hello');
    const a = await session.append('INBOX', raw, { flags: ['\\Seen', 'Work', '\\seen'], internalDate: date });
    const b = await session.append('inbox', message('Second', 'world'));
    expect(a).toMatchObject({ uid: 1, flags: ['\\Seen', 'Work'], internalDate: date.toISOString(), size: raw.length });
    expect(b.uid).toBe(2);
    expect(b.modseq).toBeGreaterThan(a.modseq);
    const status = await session.status('INBOX');
    expect(status).toMatchObject({ messages: 2, unseen: 1, uidNext: 3, highestModseq: b.modseq, size: raw.length + b.size });
    expect(status.uidValidity).toBeGreaterThan(0);
    expect((await session.read('INBOX', 1)).equals(raw)).toBe(true);
    await expect(session.read('INBOX', 99)).rejects.toMatchObject({ code: 'not_found' });
    await expect(session.status('Nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('changes flags with CONDSTORE semantics and lists changes since a MODSEQ', async () => {
    await session.append('INBOX', message('A', 'a'));
    await session.append('INBOX', message('B', 'b'));
    const base = (await session.status('INBOX')).highestModseq;
    const first = await session.setFlags('INBOX', [1], 'add', ['\\Flagged']);
    expect(first.changed).toEqual([{ uid: 1, modseq: base + 1, flags: ['\\Flagged'] }]);
    const guarded = await session.setFlags('INBOX', [1, 2], 'add', ['\\Seen'], { unchangedSince: base });
    expect(guarded.failedModified).toEqual([1]);
    expect(guarded.changed.map((c) => c.uid)).toEqual([2]);
    expect((await session.list('INBOX', { sinceModseq: base })).map((m) => m.uid)).toEqual([1, 2]);
    const replaced = await session.setFlags('INBOX', [1], 'replace', ['$Label']);
    expect(replaced.changed[0]!.flags).toEqual(['$Label']);
    expect((await session.setFlags('INBOX', [1], 'remove', ['$Label'])).changed[0]!.flags).toEqual([]);
    expect((await session.setFlags('INBOX', [1], 'remove', ['$Label'])).changed).toEqual([]);
  });

  it('copies, moves and expunges with UIDPLUS mappings, and tells other sessions', async () => {
    const other = (await env.directory.unlock('erin@example.com', 'pw'))!;
    const events: MailboxEvent[] = [];
    const unwatch = other.watch((event) => events.push(event));
    const mine: MailboxEvent[] = [];
    session.watch((event) => mine.push(event));
    for (const s of ['one', 'two', 'three']) await session.append('INBOX', message(s, s));
    const copied = await session.copy('INBOX', [1, 3, 42], 'Archive');
    expect([...copied]).toEqual([
      [1, 1],
      [3, 2],
    ]);
    const moved = await session.move('INBOX', [2], 'Trash');
    expect([...moved]).toEqual([[2, 1]]);
    expect((await session.list('INBOX')).map((m) => m.uid)).toEqual([1, 3]);
    await session.setFlags('INBOX', [1], 'add', ['\\Deleted']);
    expect(await session.expunge('INBOX', [3])).toEqual([]);
    expect(await session.expunge('INBOX')).toEqual([1]);
    expect((await session.read('Archive', 1)).toString()).toContain('Subject: one');
    expect(events.map((e) => e.kind)).toEqual(['exists', 'exists', 'exists', 'exists', 'exists', 'expunge', 'flags', 'expunge']);
    expect(events.at(-1)).toEqual({ kind: 'expunge', folder: 'INBOX', uids: [1] });
    expect(mine).toEqual([]);
    unwatch();
    await other.close();
  });

  it('manages folders: create, subscribe, rename with children, delete, special use', async () => {
    await session.createFolder('Projects');
    await session.createFolder('Projects/Ünïcode');
    await expect(session.createFolder('projects/../x//')).rejects.toMatchObject({ code: 'usage' });
    await expect(session.createFolder('Projects')).rejects.toMatchObject({ code: 'conflict' });
    await session.setSubscribed('Projects', false);
    const before = await session.status('Projects');
    await session.renameFolder('Projects', 'Work');
    const names = (await session.listFolders()).map((f) => f.name);
    expect(names).toContain('Work/Ünïcode');
    expect(names).not.toContain('Projects');
    expect((await session.status('Work')).uidValidity).toBeGreaterThan(before.uidValidity);
    expect((await session.listFolders()).find((f) => f.name === 'Work')?.subscribed).toBe(false);
    await session.append('INBOX', message('Keep', 'me'));
    await session.renameFolder('INBOX', 'Old-Inbox');
    expect((await session.list('Old-Inbox')).length).toBe(1);
    expect((await session.list('INBOX')).length).toBe(0);
    await expect(session.deleteFolder('INBOX')).rejects.toMatchObject({ code: 'usage' });
    await session.deleteFolder('Work');
    expect(await session.folderFor('\\Junk')).toBe('Junk');
    await session.deleteFolder('Work/Ünïcode');
    await session.createFolder('Work');
    expect((await session.status('Work')).messages).toBe(0);
  });

  it('searches text, body and headers through the FTS5 index', async () => {
    await session.append('INBOX', message('Quarterly figures', 'the zebra crossed'));
    await session.append('INBOX', message('Lunch', 'quarterly meeting about lunch', 'X-Custom: blue-moon\r\n'));
    expect(await session.searchText('INBOX', { text: 'quarterly' })).toEqual([1, 2]);
    expect(await session.searchText('INBOX', { body: 'quarterly' })).toEqual([2]);
    expect(await session.searchText('INBOX', { body: 'zebra' })).toEqual([1]);
    expect(await session.searchText('INBOX', { header: ['x-custom', 'moon'] })).toEqual([2]);
    expect(await session.searchText('INBOX', { text: 'zebra', header: ['subject', 'lunch'] })).toEqual([]);
    expect(await session.searchText('INBOX', { text: '"quote" AND OR *' })).toEqual([]);
    // HEADER matches the decoded value (RFC 2047 encoded words), as the user typed it.
    await session.append('INBOX', message('=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=', 'postcard'));
    expect(await session.searchText('INBOX', { header: ['subject', 'Köln'] })).toEqual([3]);
    expect(await session.searchText('INBOX', { header: ['subject', 'grüsse'] })).toEqual([]);
    await session.setFlags('INBOX', [1], 'add', ['\\Deleted']);
    await session.expunge('INBOX');
    expect(await session.searchText('INBOX', { body: 'zebra' })).toEqual([]);
  });

  it('tracks quota and refuses appends beyond it; keeps settings inside the file', async () => {
    await session.append('INBOX', message('Q', 'x'.repeat(1000)));
    const quota = await session.quota();
    expect(quota.messages).toBe(1);
    expect(quota.usedBytes).toBeGreaterThan(1000);
    expect(quota.limitBytes).toBe(1024 ** 3);
    await expect(session.append('INBOX', Buffer.alloc(1024 ** 3))).rejects.toMatchObject({ code: 'over_quota' });
    expect(await session.getSetting('spam-model')).toBeUndefined();
    await session.setSetting('spam-model', '{"w":[1,2]}');
    expect(await session.getSetting('spam-model')).toBe('{"w":[1,2]}');
  });
});
