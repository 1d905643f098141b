/** QUOTA (RFC 9208): one quota root "" per mailbox, STORAGE in KiB and MESSAGE counts. */
import { no } from '../args.js';
import { mailboxName } from '../encode.js';
import type { CommandHandler } from './index.js';
import type { ImapSession } from '../session.js';

async function sendQuota(session: ImapSession): Promise<void> {
  const quota = await session.requireMailbox().quota();
  const used = Math.ceil(quota.usedBytes / 1024);
  const limit = Math.floor(quota.limitBytes / 1024);
  session.untagged(`QUOTA "" (STORAGE ${used} ${limit})`);
}

export const getQuotaRoot: CommandHandler = async ({ session, args }) => {
  const name = args.mailbox();
  args.end();
  await session.requireMailbox().status(name);
  session.untagged(Buffer.concat([Buffer.from('QUOTAROOT '), mailboxName(name), Buffer.from(' ""')]));
  await sendQuota(session);
  return undefined;
};

export const getQuota: CommandHandler = async ({ session, args }) => {
  const root = args.string('quota root');
  args.end();
  if (root !== '') throw no('No such quota root', 'NONEXISTENT');
  await sendQuota(session);
  return undefined;
};

export const setQuota: CommandHandler = async () => {
  throw no('Quotas are set by the administrator', 'NOPERM');
};
