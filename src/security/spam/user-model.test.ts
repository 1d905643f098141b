import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../test/kit/messages.js';
import { configSchema } from '../../config/schema.js';
import { contentDepsFromConfig } from '../content/deps.js';
import { scanMessage } from '../content/scan.js';
import { tempDirectory } from '../../store/mailbox/test-support.js';
import type { MailboxSession } from '../../store/mailbox/types.js';
import { learn, learnFromMessage, loadUserModel, unlearn, USER_MODEL_SETTING } from './user-model.js';

/** The real encrypted mailbox (SQLite3MultipleCiphers) holds the personal model. */
async function openSession(): Promise<{ session: MailboxSession; cleanup: () => Promise<void> }> {
  const env = tempDirectory();
  await env.directory.create('erin@example.com', 'pw');
  const session = (await env.directory.unlock('erin@example.com', 'pw'))!;
  return {
    session,
    async cleanup() {
      await session.close();
      await env.cleanup();
    },
  };
}

const newsletter = (n: number) =>
  buildMessage({
    from: `Garden Club <news@garden-club.org>`,
    subject: `Garden club weekly digest number ${n}`,
    text: `This week: tomato seedlings, compost workshop and the allotment raffle. Issue ${n}.\r\n`,
  });

describe('per-user learning', () => {
  it('learn and unlearn are inverse on the counts', () => {
    const once = learn(undefined, ['w:tomato', 'w:raffle'], 'spam');
    expect(JSON.parse(once).tokens['w:tomato']).toEqual([0, 1, 0]);
    const back = unlearn(once, ['w:tomato', 'w:raffle'], 'spam');
    expect(JSON.parse(back).tokens).toEqual({});
    expect(() => learn('{"x":1}', ['w:a'], 'ham')).toThrow(/not a sealmail spam model/);
  });

  it('ignores tokens that could touch Object prototypes', () => {
    const json = learn(undefined, ['__proto__', 'constructor', 'w:ok'], 'spam');
    expect(Object.keys(JSON.parse(json).tokens)).toEqual(['w:ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('moving messages into Junk raises the score of similar mail for that user only', async () => {
    const deps = contentDepsFromConfig(configSchema.parse({}));
    const { session, cleanup } = await openSession();
    const ninth = newsletter(9);
    const before = await scanMessage(ninth, deps);
    for (let n = 1; n <= 6; n++) await learnFromMessage(session, newsletter(n), 'spam');
    await learnFromMessage(session, buildMessage({ subject: 'Lunch', text: 'Lunch on Friday at noon?\r\n' }), 'ham');
    expect(await session.getSetting(USER_MODEL_SETTING)).toContain('binarised-multinomial-naive-bayes');
    const userModel = await loadUserModel(session);
    expect(userModel?.docs).toEqual([1, 6, 0]);
    const after = await scanMessage(ninth, { ...deps, userModel: userModel! });
    expect(after.findings.find((f) => f.result === 'USER_SPAM')?.points).toBeGreaterThan(2);
    expect(after.spam.score).toBeGreaterThan(before.spam.score + 2);
    // another user (no personal model) is unaffected
    expect((await scanMessage(ninth, deps)).spam.score).toBe(before.spam.score);
    await cleanup();
  });

  it('a damaged personal model never stops mail', async () => {
    const { session, cleanup } = await openSession();
    await session.setSetting(USER_MODEL_SETTING, 'not json');
    expect(await loadUserModel(session)).toBeUndefined();
    await cleanup();
  });
});
