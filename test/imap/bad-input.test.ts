/** Hostile and malformed input on a real connection: tagged NO/BAD, never a crash or another user's data. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsProvider } from '../../src/net/tls.js';
import { createLogger } from '../../src/log/logger.js';
import { createImapServer } from '../../src/protocols/imap/server.js';
import { PASSWORD, startMailFixture, USER, type MailFixture } from './fixture.js';
import { RawImap } from './raw-client.js';

let fx: MailFixture;
beforeAll(async () => {
  fx = await startMailFixture(2);
});
afterAll(() => fx.close());

async function loggedIn(): Promise<RawImap> {
  const client = await RawImap.connect(fx.ports.imaps);
  expect(await client.command('L', `LOGIN "${USER}" "${PASSWORD}"`)).toMatch(/^L OK/m);
  return client;
}

describe('bad input', () => {
  it('a literal claiming 1 GB is refused before any of it is read; the session goes on', async () => {
    const client = await loggedIn();
    const from = client.transcript.length;
    client.send('A1 APPEND INBOX {1073741824}\r\n');
    const reply = await client.waitFor(/^A1 (NO|BAD)/m, 5000, from);
    expect(reply).not.toMatch(/^\+/m);
    expect(await client.command('A2', 'NOOP')).toMatch(/^A2 OK/m);
    client.close();
  });

  it('a LITERAL+ over the limit closes the connection (its bytes cannot be skipped safely)', async () => {
    const client = await loggedIn();
    client.send('A1 APPEND INBOX {1073741824+}\r\n');
    await client.waitFor(/^A1 BAD.*\r\n\* BYE/m);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.isClosed).toBe(true);
  });

  it('a malformed literal or quoted string gets BAD and the session goes on', async () => {
    const client = await loggedIn();
    expect(await client.command('A1', 'LOGIN {5}abc')).toMatch(/^A1 BAD/m);
    expect(await client.command('A2', 'SELECT "INBOX')).toMatch(/^A2 BAD/m);
    client.close();
  });

  it('deeply nested lists, invalid modified UTF-7 names and wrong-state commands', async () => {
    const client = await RawImap.connect(fx.ports.imaps);
    expect(await client.command('W1', 'SELECT INBOX')).toMatch(/^W1 BAD/m);
    expect(await client.command('W2', 'FETCH 1 FLAGS')).toMatch(/^W2 BAD/m);
    expect(await client.command('L', `LOGIN "${USER}" "${PASSWORD}"`)).toMatch(/^L OK/m);
    expect(await client.command('W3', 'FETCH 1 FLAGS')).toMatch(/^W3 BAD/m);
    expect(await client.command('W4', 'LOGIN a b')).toMatch(/^W4 BAD/m);
    expect(await client.command('N1', `SEARCH ${'('.repeat(500)}ALL${')'.repeat(500)}`)).toMatch(/^N1 BAD/m);
    expect(await client.command('U1', 'CREATE "&Jjo!"')).toMatch(/^U1 (BAD|NO)/m);
    expect(await client.command('U2', 'SELECT "&AGE-"')).toMatch(/^U2 (BAD|NO)/m);
    expect(await client.command('U3', 'SELECT "Nonexistent"')).toMatch(/^U3 NO/m);
    expect(await client.command('S1', 'SELECT INBOX')).toMatch(/^S1 OK/m);
    expect(await client.command('S2', 'FETCH 99 FLAGS')).toMatch(/^S2 BAD/m);
    expect(await client.command('S3', 'FETCH 1 (BODY[1.2.3.4.HEADERX])')).toMatch(/^S3 BAD/m);
    expect(await client.command('S4', 'SEARCH CHARSET KOI8-R ALL')).toMatch(/^S4 NO \[BADCHARSET/m);
    expect(await client.command('S5', 'STORE 1 +FLAGS (\\Bogus)')).toMatch(/^S5 BAD/m);
    expect(await client.command('S6', 'UID FETCH 1:* (UID)')).toMatch(/^S6 OK/m);
    client.close();
  });

  it('LOGINDISABLED on the cleartext port until STARTTLS', async () => {
    const net = await import('node:net');
    const socket = net.connect(fx.ports.imap, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`a LOGIN "${USER}" "${PASSWORD}"\r\nb AUTHENTICATE PLAIN ${Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64')}\r\n`);
    const deadline = Date.now() + 5000;
    while (!/^b NO/m.test(data) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(data).toMatch(/LOGINDISABLED/);
    expect(data).toMatch(/^a NO \[PRIVACYREQUIRED\]/m);
    expect(data).toMatch(/^b NO \[PRIVACYREQUIRED\]/m);
    socket.destroy();
  });
});

describe('fuzz', () => {
  const atoms = ['NOOP', 'FETCH', 'UID', 'STORE', 'SEARCH', 'SELECT', 'LIST', 'APPEND', 'COPY', 'MOVE', 'STATUS', 'EXPUNGE',
    'IDLE', 'ENABLE', 'BODY[', 'BODY[]<0.5>', '1:*', '*', '(', ')', '{5}', '{3+}', '"', 'NIL', 'INBOX', '\\Seen', 'OR', 'NOT',
    'HEADER', 'TEXT', '&-', '&AGE-', 'bob@example.test', 'RETURN', '(MIN)', 'UNCHANGEDSINCE', 'CHANGEDSINCE'];
  const word = fc.oneof(fc.constantFrom(...atoms), fc.string({ maxLength: 8 }), fc.integer({ min: 0, max: 1 << 30 }).map(String));
  const line = fc.oneof(
    fc.array(word, { minLength: 1, maxLength: 8 }).map((words) => `F ${words.join(' ')}\r\n`),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  );

  it('random and malformed commands never crash the server, hang past its timeout, or show another user’s mail', async () => {
    // A second listener on the same store with a short inactivity timeout, so "no hang" is checkable.
    const listener = await createImapServer({
      host: '127.0.0.1',
      port: 0,
      hostname: 'localhost',
      implicitTls: true,
      tls: new TlsProvider({ hostname: 'localhost', dataDir: fx.server.dataDir, certFile: fx.server.config.tls.cert, keyFile: fx.server.config.tls.key }),
      mailboxes: fx.mailboxes,
      log: createLogger({ level: 'silent' }),
      idleTimeoutMs: 600,
      preauthTimeoutMs: 600,
      limits: { maxLiteral: 4096 },
    });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 4 }), fc.boolean(), async (lines, login) => {
          const client = await RawImap.connect(listener.port);
          try {
            if (login) {
              await client.command('L', `LOGIN "${USER}" "${PASSWORD}"`);
              await client.command('S', 'SELECT INBOX');
            }
            for (const text of lines) client.send(text);
            client.send('Z NOOP\r\n');
            // Answered, or (literal/IDLE/AUTHENTICATE left waiting) closed by the inactivity timeout.
            const started = Date.now();
            await client.waitFor(/^Z (OK|NO|BAD)|^\* BYE/m, 4000).catch((error) => {
              if (!client.isClosed) throw error;
            });
            expect(Date.now() - started).toBeLessThan(4000);
            expect(client.transcript).not.toContain('bob-private-token');
            expect(client.transcript).not.toMatch(/at .*\.(js|ts):\d+/); // no stack traces
          } finally {
            client.close();
          }
        }),
        { numRuns: 40 },
      );
      // An unterminated literal: nothing to answer until the inactivity timeout says BYE.
      const client = await RawImap.connect(listener.port);
      client.send('U LOGIN {10}\r\nabc');
      expect(await client.waitFor(/^\* BYE Autologout/m, 3000)).toBeTruthy();
      client.close();
    } finally {
      await listener.close(0);
    }
    // The main server is still healthy for new clients.
    const fresh = await loggedIn();
    expect(await fresh.command('Z', 'SELECT INBOX')).toMatch(/^Z OK/m);
    fresh.close();
  }, 180_000);
});
