import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptForRecipient } from '../../src/crypto/encrypt-for-recipient.js';
import { startTestServer, type TestServer } from '../kit/server.js';

let server: TestServer;
let work: string;
const TOKEN = 'Zq7-unique-body-token';

const raw = (subject: string) =>
  Buffer.from(`From: a@example.org\r\nTo: bob@example.com\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@x>\r\n\r\nFrom the start ${TOKEN} ${subject}\r\n`);

function allFileText(dir: string): string {
  let text = '';
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += readFileSync(path.join(entry.parentPath, entry.name)).toString('latin1');
  }
  return text;
}

beforeAll(async () => {
  server = await startTestServer({ config: { 'mailbox.idle_ttl_s': 0 } });
  work = mkdtempSync(path.join(tmpdir(), 'sealmail-mbcli-'));
  expect((await server.cli(['domain', 'add', 'example.com'])).code).toBe(0);
});
afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('mailbox CLI against a running server', () => {
  it('creates mailboxes (generated or stdin password), exports and imports, changes passwords, removes with shredding', async () => {
    const added = await server.cli(['alias', 'add', 'bob@example.com', '--mailbox', '--json']);
    expect(added.code).toBe(0);
    const { address, password } = JSON.parse(added.stdout) as { address: string; password: string };
    expect(address).toBe('bob@example.com');
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const viaStdin = await server.cli(['alias', 'add', 'carol@example.com', '--mailbox', '--password-stdin', '--json'], 'carol-password-1\n');
    expect(viaStdin.code).toBe(0);
    expect(JSON.parse(viaStdin.stdout)).not.toHaveProperty('password');
    expect((await server.cli(['alias', 'add', 'dan@example.com', '--mailbox', '--password-stdin'], 'short\n')).code).toBe(2);
    expect((await server.cli(['alias', 'list', '--json'])).stdout).not.toContain('dan@');

    // The running server sees the CLI's mailbox without a restart.
    const mailboxes = server.server.context.mailboxes;
    expect((await server.server.context.health.report()).subsystems.mailboxes).toMatchObject({ status: 'ok', unlocked: 0 });
    await mailboxes.deliver('bob@example.com', raw('one'));
    await mailboxes.deliver('bob@example.com', raw('two'), { folder: '\\Archive', flags: ['\\Seen'] });

    const mbox = path.join(work, 'bob.mbox');
    expect((await server.cli(['mailbox', 'export', 'bob@example.com', '--out', mbox], 'wrong-password\n')).code).toBe(1);
    expect(existsSync(mbox)).toBe(false);
    const exported = await server.cli(['mailbox', 'export', 'bob@example.com', '--out', mbox, '--json'], `${password}\n`);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ messages: 2 });
    const text = readFileSync(mbox, 'latin1');
    expect(text).toMatch(/^From MAILER-DAEMON /);
    expect(text).toContain(`>From the start ${TOKEN} one`);

    expect((await server.cli(['mailbox', 'import', 'carol@example.com', '--from', mbox], 'carol-password-1\n')).code).toBe(0);
    const maildir = path.join(work, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp', '.Lists.Node/cur']) mkdirSync(path.join(maildir, sub), { recursive: true });
    writeFileSync(path.join(maildir, 'cur', '1.host:2,FS'), raw('maildir-flagged').toString().replace(/\r\n/g, '\n'));
    writeFileSync(path.join(maildir, '.Lists.Node/cur', '2.host:2,'), raw('maildir-list'));
    expect((await server.cli(['mailbox', 'import', 'carol@example.com', '--from', maildir], 'carol-password-1\n')).code).toBe(0);
    const carol = (await mailboxes.unlock('carol@example.com', 'carol-password-1'))!;
    const archive = await carol.list('Archive');
    expect(archive.map((m) => m.flags)).toEqual([['\\Seen']]);
    expect((await carol.read('Archive', archive[0]!.uid)).equals(raw('two'))).toBe(true);
    const inbox = await carol.list('INBOX');
    expect(inbox).toHaveLength(2);
    expect((await carol.read('INBOX', inbox[0]!.uid)).equals(raw('one'))).toBe(true);
    expect(inbox[1]!.flags.sort()).toEqual(['\\Flagged', '\\Seen']);
    expect(await carol.list('Lists/Node')).toHaveLength(1);
    await carol.close();

    const changed = await server.cli(['alias', 'passwd', 'bob@example.com', '--json'], `${password}\nbob-new-password\n`);
    expect(changed.code).toBe(0);
    expect(await mailboxes.unlock('bob@example.com', password)).toBeUndefined();
    const app = await server.cli(['alias', 'passwd', 'bob@example.com', '--add', '--label', 'phone', '--json'], 'bob-new-password\n');
    const appPassword = (JSON.parse(app.stdout) as { password: string }).password;
    expect(appPassword).toBeTruthy();
    const listed = JSON.parse((await server.cli(['alias', 'passwd', 'bob@example.com', '--list', '--json'])).stdout) as Array<{ label: string }>;
    expect(listed.map((p) => p.label)).toEqual(['initial', 'phone']);
    const session = (await mailboxes.unlock('bob@example.com', appPassword))!;
    expect(await session.list('INBOX')).toHaveLength(1);
    await session.close();

    const reset = await server.cli(['alias', 'passwd', 'bob@example.com', '--reset', '--json'], '');
    const resetPassword = (JSON.parse(reset.stdout) as { password: string }).password;
    const fresh = (await mailboxes.unlock('bob@example.com', resetPassword))!;
    expect(await fresh.list('INBOX')).toEqual([]);
    await fresh.close();

    const root = path.join(server.dataDir, 'mailboxes');
    const dump = allFileText(root) + execFileSync('strings', ['-n', '5', ...readdirSync(root).flatMap((d) => readdirSync(path.join(root, d)).map((f) => path.join(root, d, f)))]).toString();
    expect(dump).not.toMatch(new RegExp(`${TOKEN}|bob@|carol@|example\\.com|Lists/Node|maildir-list`));
    expect(server.logs()).not.toContain(TOKEN);
    expect(server.logs()).not.toContain(password);

    expect(readdirSync(root)).toHaveLength(2);
    expect((await server.cli(['alias', 'remove', 'bob@example.com'])).code).toBe(0);
    expect(readdirSync(root)).toHaveLength(1);
    expect(await mailboxes.exists('bob@example.com')).toBe(false);
  }, 600_000);

  it('sets OpenPGP keys and S/MIME certificates that the running server encrypts to', async () => {
    expect((await server.cli(['alias', 'add', 'eve@example.com', '--forward', 'eve@elsewhere.org'])).code).toBe(0);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(work, 'k.pem'), '-out', path.join(work, 'c.pem'), '-subj', '/CN=eve', '-days', '2'], {
      stdio: 'pipe',
    });
    writeFileSync(path.join(work, 'bad.pem'), 'nope');
    expect((await server.cli(['alias', 'smime', 'eve@example.com', '--cert', path.join(work, 'bad.pem')])).code).toBe(2);
    expect((await server.cli(['alias', 'smime', 'nobody@example.com', '--cert', path.join(work, 'c.pem')])).code).toBe(1);
    expect((await server.cli(['alias', 'smime', 'eve@example.com', '--cert', path.join(work, 'c.pem')])).code).toBe(0);
    const encrypted = await encryptForRecipient(server.server.context.control, 'eve@example.com', raw('smime'));
    const file = path.join(work, 'enc.eml');
    writeFileSync(file, encrypted);
    const plain = execFileSync('openssl', ['cms', '-decrypt', '-in', file, '-recip', path.join(work, 'c.pem'), '-inkey', path.join(work, 'k.pem')]);
    expect(plain.toString()).toContain(`${TOKEN} smime`);
    expect((await server.cli(['alias', 'pgp', 'eve@example.com', '--key', path.join(work, 'c.pem')])).code).toBe(2);
    expect((await server.cli(['alias', 'smime', 'eve@example.com', '--remove'])).code).toBe(0);
    expect(await encryptForRecipient(server.server.context.control, 'eve@example.com', raw('x'))).toEqual(raw('x'));
  }, 300_000);
});
