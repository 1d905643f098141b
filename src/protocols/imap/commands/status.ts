/** STATUS (RFC 3501, plus HIGHESTMODSEQ from CONDSTORE and SIZE from RFC 8438). */
import { bad, tokenText } from '../args.js';
import { mailboxName } from '../encode.js';
import type { CommandHandler } from './index.js';

export const status: CommandHandler = async ({ session, args }) => {
  const name = args.mailbox();
  const items = args.list('status items').map((token) => tokenText(token).toUpperCase());
  args.end();
  if (items.length === 0) throw bad('No status items');
  const folder = await session.requireMailbox().status(name);
  const values: Record<string, number> = {
    MESSAGES: folder.messages,
    RECENT: folder.recent,
    UIDNEXT: folder.uidNext,
    UIDVALIDITY: folder.uidValidity,
    UNSEEN: folder.unseen,
    HIGHESTMODSEQ: folder.highestModseq,
    SIZE: folder.size,
  };
  const parts: string[] = [];
  for (const item of items) {
    const value = values[item];
    if (value === undefined) throw bad(`Unknown status item ${item.slice(0, 20)}`);
    parts.push(`${item} ${value}`);
  }
  session.untagged(Buffer.concat([Buffer.from('STATUS '), mailboxName(folder.name), Buffer.from(` (${parts.join(' ')})`)]));
  return undefined;
};
