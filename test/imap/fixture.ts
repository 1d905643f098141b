/** A running server with IMAP/POP3 listeners on an in-memory mailbox store, plus sample mail. */
import type { MailboxDirectory } from '../../src/store/mailbox/types.js';
import { type ListenerName, startTestServer, type TestServer } from '../kit/server.js';

export const USER = 'alice@example.test';
export const PASSWORD = 'correct horse battery staple';
export const OTHER = 'bob@example.test';
export const OTHER_PASSWORD = 'bob-secret-password';

export function sampleMessage(n: number, extra = ''): Buffer {
  return Buffer.from(
    [
      'From: "Sender Name" <sender@example.org>',
      `To: ${USER}`,
      `Subject: Message number ${n}${extra}`,
      'Date: Tue, 3 Mar 2026 10:00:00 +0000',
      `Message-ID: <m${n}@example.org>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Hello body ${n} zebra${extra}`,
      '--b1',
      'Content-Type: application/octet-stream; name="a.bin"',
      'Content-Disposition: attachment; filename="a.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      'AAECAw==',
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

export interface MailFixture {
  server: TestServer;
  /** The server's own (encrypted) mailbox store. */
  mailboxes: MailboxDirectory;
  ports: { imap: number; imaps: number; pop3: number; pop3s: number };
  close(): Promise<void>;
}

export async function startMailFixture(messages = 3): Promise<MailFixture> {
  const listeners: ListenerName[] = ['imap', 'imaps', 'pop3', 'pop3s'];
  // The server's own encrypted mailbox store, as built by the composition root.
  const server = await startTestServer({ listeners });
  const mailboxes = server.server.context.mailboxes;
  await mailboxes.create(USER, PASSWORD);
  await mailboxes.create(OTHER, OTHER_PASSWORD);
  for (let i = 1; i <= messages; i++) await mailboxes.deliver(USER, sampleMessage(i));
  await mailboxes.deliver(OTHER, sampleMessage(99, ' bob-private-token'));
  return {
    server,
    mailboxes,
    ports: server.ports as MailFixture['ports'],
    close: () => server.close(),
  };
}
