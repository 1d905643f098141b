/** curl (imaps://, pop3s://) and Python's imaplib/poplib against the real server. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, sampleMessage, startMailFixture, USER, type MailFixture } from './fixture.js';

const run = promisify(execFile);
let fx: MailFixture;
beforeAll(async () => {
  fx = await startMailFixture(3);
});
afterAll(() => fx.close());

const curl = (url: string, ...extra: string[]) =>
  run('curl', ['-sS', '-k', '--max-time', '20', '-u', `${USER}:${PASSWORD}`, ...extra, url]).then((r) => r.stdout);

const python = (script: string, ...args: string[]) =>
  run('python3', ['-c', script, ...args], { timeout: 30_000 }).then((r) => r.stdout);

describe('curl', () => {
  it('lists folders and fetches a message over imaps://', async () => {
    const listing = await curl(`imaps://127.0.0.1:${fx.ports.imaps}/`);
    expect(listing).toMatch(/LIST \(.*\) "\/" INBOX|LIST \(.*\) "\/" "INBOX"/);
    expect(listing).toContain('"Sent"');
    const message = await curl(`imaps://127.0.0.1:${fx.ports.imaps}/INBOX;UID=2`);
    expect(message).toBe(sampleMessage(2).toString());
  });

  it('upgrades with STARTTLS on the plain imap port (--ssl-reqd)', async () => {
    const message = await curl(`imap://127.0.0.1:${fx.ports.imap}/INBOX;UID=1`, '--ssl-reqd');
    expect(message).toBe(sampleMessage(1).toString());
  });

  it('lists and fetches over pop3s://', async () => {
    const listing = await curl(`pop3s://127.0.0.1:${fx.ports.pop3s}/`);
    expect(listing.trim().split(/\r?\n/)).toHaveLength(3);
    const message = await curl(`pop3s://127.0.0.1:${fx.ports.pop3s}/1`);
    expect(message.replace(/\r\n/g, '\n')).toBe(sampleMessage(1).toString().replace(/\r\n/g, '\n'));
  });
});

const IMAPLIB = `
import imaplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = imaplib.IMAP4(host='127.0.0.1', port=port)
m.starttls(ssl_context=ctx)
m.login(user, password)
typ, data = m.select('INBOX'); print('EXISTS', data[0].decode())
typ, data = m.fetch('1', '(RFC822 FLAGS)'); print('FETCHED', len(data[0][1]))
typ, data = m.search(None, 'SUBJECT', '"number 2"'); print('SEARCH', data[0].decode())
typ, data = m.store('2', '+FLAGS', '(\\\\Deleted)'); print('STORE', typ)
typ, data = m.expunge(); print('EXPUNGE', [d.decode() for d in data if d])
typ, data = m.select('INBOX'); print('AFTER', data[0].decode())
m.logout()
`;

const POPLIB = `
import poplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
port, tls_port, user, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
p = poplib.POP3('127.0.0.1', port)
print('CAPA-PLAIN', sorted(p.capa().keys()))
try:
    p.user(user)
except poplib.error_proto as e:
    print('USER-REFUSED', e.args[0].decode())
p.stls(context=ctx)
p.user(user); p.pass_(password)
print('STAT', p.stat())
resp, lines, octets = p.retr(1); print('RETR', len(lines))
resp, lines, octets = p.top(1, 0); print('TOP', b'' in lines)
print('UIDL', len(p.uidl()[1]))
p.dele(1); p.quit()
s = poplib.POP3_SSL('127.0.0.1', tls_port, context=ctx)
s.user(user); s.pass_(password)
print('AFTER', s.stat()[0])
s.quit()
`;

describe('python', () => {
  it('imaplib: STARTTLS, login, fetch, search, store, expunge', async () => {
    const out = await python(IMAPLIB, String(fx.ports.imap), USER, PASSWORD);
    expect(out).toContain('EXISTS 3');
    expect(out).toContain(`FETCHED ${sampleMessage(1).length}`);
    expect(out).toContain('SEARCH 2');
    expect(out).toContain('STORE OK');
    expect(out).toContain("EXPUNGE ['2']");
    expect(out).toContain('AFTER 2');
  });

  it('poplib: USER refused before STLS, then login, retr, top, uidl, dele over STLS and POP3S', async () => {
    const out = await python(POPLIB, String(fx.ports.pop3), String(fx.ports.pop3s), USER, PASSWORD);
    expect(out).toMatch(/CAPA-PLAIN \[.*'STLS'/);
    expect(out).toContain('USER-REFUSED -ERR [AUTH] Use STLS first');
    expect(out).toMatch(/STAT \(2, \d+\)/);
    expect(out).toMatch(/RETR \d+/);
    expect(out).toContain('TOP True');
    expect(out).toContain('UIDL 2');
    expect(out).toContain('AFTER 1');
  });
});
