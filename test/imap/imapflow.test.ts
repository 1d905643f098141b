/** Every IMAP command through a real client (imapflow) against the real server. */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER, PASSWORD, sampleMessage, startMailFixture, USER, type MailFixture } from './fixture.js';

let fx: MailFixture;
const clients: ImapFlow[] = [];

async function connect(options: { port?: 'imap' | 'imaps'; pass?: string } = {}): Promise<ImapFlow> {
  const port = options.port ?? 'imaps';
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: fx.ports[port],
    secure: port === 'imaps',
    doSTARTTLS: port === 'imap' ? true : undefined,
    tls: { rejectUnauthorized: false },
    auth: { user: USER, pass: options.pass ?? PASSWORD },
    logger: false,
  });
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  return client;
}

beforeAll(async () => {
  fx = await startMailFixture(3);
});
afterAll(async () => {
  for (const client of clients) await client.logout().catch(() => {});
  await fx.close();
});

describe('imapflow', () => {
  it('logs in over STARTTLS and over implicit TLS; a wrong password fails', async () => {
    const plain = await connect({ port: 'imap' });
    expect(plain.usable).toBe(true);
    expect(plain.capabilities.has('IDLE')).toBe(true);
    expect(plain.capabilities.has('UIDPLUS')).toBe(true);
    await expect(connect({ pass: 'wrong password' })).rejects.toThrow();
  });

  it('CAPABILITY, ID, NAMESPACE, ENABLE, NOOP', async () => {
    const client = await connect();
    for (const cap of ['MOVE', 'NAMESPACE', 'SPECIAL-USE', 'ENABLE', 'LITERAL+', 'ID', 'UNSELECT', 'CONDSTORE', 'QUOTA', 'ESEARCH']) {
      expect(client.capabilities.has(cap), cap).toBe(true);
    }
    expect(client.serverInfo?.name).toBe('sealmail');
    expect(client.namespaces?.personal?.[0]?.delimiter).toBe('/');
    await client.noop();
  });

  it('LIST with SPECIAL-USE, LSUB, CREATE, RENAME, SUBSCRIBE, UNSUBSCRIBE, DELETE, STATUS', async () => {
    const client = await connect();
    const folders = await client.list();
    const sent = folders.find((f) => f.path === 'Sent');
    expect(sent?.specialUse).toBe('\\Sent');
    await client.mailboxCreate('Projects/Zürich');
    let names = (await client.list()).map((f) => f.path);
    expect(names).toContain('Projects/Zürich');
    await client.mailboxRename('Projects/Zürich', 'Projects/Genève');
    await client.mailboxUnsubscribe('Projects/Genève');
    let subscribed = ((await client.listTree()).folders ?? []).map((f) => f.path);
    names = (await client.list({ statusQuery: { messages: true } })).map((f) => f.path);
    expect(names).toContain('Projects/Genève');
    await client.mailboxSubscribe('Projects/Genève');
    subscribed = (await client.list()).filter((f) => f.subscribed).map((f) => f.path);
    expect(subscribed).toContain('Projects/Genève');
    const status = await client.status('INBOX', { messages: true, uidNext: true, unseen: true, highestModseq: true });
    expect(must(status).messages).toBe(3);
    expect(must(status).unseen).toBe(3);
    await client.mailboxDelete('Projects/Genève');
    names = (await client.list()).map((f) => f.path);
    expect(names).not.toContain('Projects/Genève');
  });

  it('SELECT/EXAMINE, FETCH of every item, BODY.PEEK and partials, SEARCH, STORE, UNSELECT', async () => {
    const client = await connect();
    const box = await client.mailboxOpen('INBOX', { readOnly: true });
    expect(box.exists).toBe(3);
    await client.mailboxClose();
    await client.mailboxOpen('INBOX');
    const [message] = await client.fetchAll('1', {
      uid: true,
      flags: true,
      envelope: true,
      bodyStructure: true,
      internalDate: true,
      size: true,
      source: true,
      headers: ['subject'],
      bodyParts: ['1', '2.mime'],
    });
    expect(message?.envelope?.subject).toBe('Message number 1');
    expect(message?.envelope?.from?.[0]?.address).toBe('sender@example.org');
    expect(message?.bodyStructure?.childNodes?.length).toBe(2);
    expect(message?.size).toBe(sampleMessage(1).length);
    expect(message?.source?.equals(sampleMessage(1))).toBe(true);
    expect(message?.headers?.toString()).toMatch(/^Subject: Message number 1\r\n/);
    expect(message?.bodyParts?.get('1')?.toString()).toBe('Hello body 1 zebra');
    expect(message?.bodyParts?.get('2.mime')?.toString()).toContain('attachment');
    const partial = await client.fetchOne('1', { source: { start: 0, maxLength: 4 } });
    expect(must(partial).source?.toString()).toBe('From');
    // BODY.PEEK (imapflow uses it) left \Seen unset; a plain BODY[] sets it.
    const second = await client.fetchOne('2', { flags: true });
    expect(must(second).flags?.has('\\Seen')).toBe(false);
    const seen = await client.search({ seen: true });
    expect(seen).toEqual([]);
    await client.messageFlagsAdd('1:2', ['\\Flagged', '$Important']);
    expect(await client.search({ flagged: true })).toEqual([1, 2]);
    expect(await client.search({ keyword: '$Important' }, { uid: true })).toEqual([1, 2]);
    await client.messageFlagsRemove('2', ['\\Flagged']);
    expect(await client.search({ flagged: true })).toEqual([1]);
    await client.messageFlagsSet('3', ['\\Answered']);
    expect(await client.search({ answered: true })).toEqual([3]);
    expect(await client.search({ body: 'body 2 zebra' })).toEqual([2]);
    expect(await client.search({ text: 'zebra' })).toEqual([1, 2, 3]);
    expect(await client.search({ subject: 'number 3' })).toEqual([3]);
    expect(await client.search({ from: 'sender@example.org', not: { subject: 'number 1' } })).toEqual([2, 3]);
    expect(await client.search({ or: [{ subject: 'number 1' }, { subject: 'number 3' }] })).toEqual([1, 3]);
    expect(await client.search({ larger: 10, smaller: 100_000, since: new Date('2000-01-01') })).toEqual([1, 2, 3]);
    expect(await client.search({ sentBefore: new Date('2026-03-04'), sentSince: new Date('2026-03-03') })).toEqual([1, 2, 3]);
    expect(await client.search({ header: { 'message-id': '<m2@example.org>' } })).toEqual([2]);
    expect(await client.search({ uid: '2:3' })).toEqual([2, 3]);
    expect(await client.search({ modseq: 1 })).toEqual([1, 2, 3]);
    const unseen = await client.search({ seen: false });
    expect(unseen).toEqual([1, 2, 3]);
  });

  it('APPEND (APPENDUID), COPY (COPYUID), MOVE, EXPUNGE, UID EXPUNGE, CLOSE', async () => {
    const client = await connect();
    const appended = await client.append('Drafts', sampleMessage(50), ['\\Draft'], new Date('2025-01-02T03:04:05Z'));
    expect(must(appended).uid).toBeGreaterThan(0);
    await client.mailboxOpen('Drafts');
    const [draft] = await client.fetchAll('1', { internalDate: true, flags: true });
    expect(draft?.flags?.has('\\Draft')).toBe(true);
    expect((must(draft).internalDate as Date).toISOString()).toBe('2025-01-02T03:04:05.000Z');
    const copied = await client.messageCopy('1', 'Archive');
    expect(must(copied).uidMap?.size).toBe(1);
    const moved = await client.messageMove('1', 'Trash');
    expect(must(moved).uidMap?.size).toBe(1);
    expect(must(client.mailbox).exists).toBe(0);
    await client.mailboxOpen('Archive');
    await client.messageDelete('1');
    expect(await client.status('Archive', { messages: true })).toMatchObject({ messages: 0 });
    await client.mailboxOpen('Trash');
    await client.messageFlagsAdd('1', ['\\Deleted']);
    await client.mailboxClose(); // CLOSE expunges
    expect(await client.status('Trash', { messages: true })).toMatchObject({ messages: 0 });
  });

  it('QUOTA and CONDSTORE: MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE', async () => {
    const client = await connect();
    const quota = await client.getQuota('INBOX');
    expect(must(quota).storage?.limit).toBeGreaterThan(0);
    const box = await client.mailboxOpen('INBOX');
    expect(Number(box.highestModseq)).toBeGreaterThan(0);
    const since = box.highestModseq as bigint;
    await client.messageFlagsAdd('3', ['$Later']);
    const changed = await client.fetchAll('1:*', { flags: true }, { changedSince: since });
    expect(changed.map((m) => m.seq)).toEqual([3]);
    await client.messageFlagsAdd('3', ['$Stale'], { unchangedSince: since });
    const after = await client.fetchOne('3', { flags: true });
    expect(must(after).flags?.has('$Later')).toBe(true);
    expect(must(after).flags?.has('$Stale')).toBe(false);
  });

  it('several sessions see each other: EXISTS, EXPUNGE, FETCH FLAGS; IDLE sees new mail within a second', async () => {
    const watcher = await connect();
    const actor = await connect();
    await watcher.mailboxOpen('INBOX');
    await actor.mailboxOpen('INBOX');
    const events: string[] = [];
    watcher.on('exists', (e) => events.push(`exists:${e.count}`));
    watcher.on('flags', (e) => events.push(`flags:${e.seq}`));
    watcher.on('expunge', (e) => events.push(`expunge:${e.seq}`));
    const idling = watcher.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await fx.mailboxes.deliver(USER, sampleMessage(7));
    await waitFor(() => events.includes('exists:4'));
    expect(Date.now() - started).toBeLessThan(1000);
    await actor.messageFlagsAdd('1', ['\\Seen']);
    await waitFor(() => events.includes('flags:1'));
    await actor.messageFlagsAdd('4', ['\\Deleted']);
    await actor.messageDelete('4');
    await waitFor(() => events.includes('expunge:4'));
    await watcher.noop();
    await idling;
  });

  it('never shows another user’s mail', async () => {
    const client = await connect();
    await client.mailboxOpen('INBOX');
    const all = await client.fetchAll('1:*', { source: true });
    for (const message of all) expect(message.source?.toString()).not.toContain('bob-private-token');
    expect(await client.search({ text: 'bob-private-token' })).toEqual([]);
    expect(OTHER).not.toBe(USER);
    // Nothing of a password or a message reaches the logs.
    const logs = fx.server.logs();
    expect(logs).toContain('login');
    for (const secret of [PASSWORD, 'zebra', 'Message number', 'bob-private-token']) expect(logs).not.toContain(secret);
  });
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function must<T>(value: T | false | undefined | null): T {
  if (value === false || value === undefined || value === null) throw new Error('expected a value');
  return value;
}
