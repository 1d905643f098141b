import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_MODEL_SETTING } from '../../src/security/spam/user-model.js';
import { type MailFixture, PASSWORD, startMailFixture, USER } from './fixture.js';

let fx: MailFixture;
beforeAll(async () => {
  fx = await startMailFixture(2);
});
afterAll(async () => {
  await fx?.close();
});

/** The user's learned model, read from inside their encrypted mailbox: docs = [ham, spam, phish]. */
async function learnedDocs(): Promise<number[] | undefined> {
  const session = await fx.mailboxes.unlock(USER, PASSWORD);
  if (!session) throw new Error('mailbox did not unlock');
  try {
    const json = await session.getSetting(USER_MODEL_SETTING);
    return json ? (JSON.parse(json) as { docs: number[] }).docs : undefined;
  } finally {
    await session.close();
  }
}

describe('IMAP per-user spam learning', () => {
  it('MOVE/COPY into Junk learns spam, MOVE out of Junk learns ham; other moves learn nothing', async () => {
    const session = await fx.mailboxes.unlock(USER, PASSWORD);
    const junk = await session!.folderFor('\\Junk');
    const trash = await session!.folderFor('\\Trash');
    await session!.close();
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: fx.ports.imaps,
      secure: true,
      tls: { rejectUnauthorized: false },
      auth: { user: USER, pass: PASSWORD },
      logger: false,
    });
    client.on('error', () => {});
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      await client.messageCopy('2', trash);
      expect(await learnedDocs()).toBeUndefined();
      await client.messageMove('1', junk);
      expect((await learnedDocs())?.slice(0, 2)).toEqual([0, 1]);
      await client.messageCopy('1', junk);
      expect((await learnedDocs())?.slice(0, 2)).toEqual([0, 2]);
      await client.mailboxOpen(junk);
      await client.messageMove('1', 'INBOX');
      expect((await learnedDocs())?.slice(0, 2)).toEqual([1, 2]);
    } finally {
      await client.logout();
    }
  });
});
