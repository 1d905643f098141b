/** CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE. */
import { no } from '../args.js';
import type { CommandHandler } from './index.js';

export const create: CommandHandler = async ({ session, args }) => {
  const name = args.mailbox().replace(/\/$/, '');
  args.end();
  if (name === 'INBOX') throw no('INBOX exists', 'ALREADYEXISTS');
  await session.requireMailbox().createFolder(name);
  return undefined;
};

export const deleteFolder: CommandHandler = async ({ session, args }) => {
  const name = args.mailbox();
  args.end();
  if (name === 'INBOX') throw no('INBOX cannot be deleted', 'CANNOT');
  if (session.selected?.name === name) {
    session.selected = undefined;
    session.state = 'authenticated';
  }
  await session.requireMailbox().deleteFolder(name);
  return undefined;
};

export const rename: CommandHandler = async ({ session, args }) => {
  const from = args.mailbox();
  const to = args.mailbox();
  args.end();
  if (from === 'INBOX' || to === 'INBOX') throw no('Renaming INBOX is not supported', 'CANNOT');
  await session.requireMailbox().renameFolder(from, to);
  return undefined;
};

export const subscribe: CommandHandler = async ({ session, args }) => {
  const name = args.mailbox();
  args.end();
  await session.requireMailbox().setSubscribed(name, true);
  return undefined;
};

export const unsubscribe: CommandHandler = async ({ session, args }) => {
  const name = args.mailbox();
  args.end();
  await session.requireMailbox().setSubscribed(name, false);
  return undefined;
};
