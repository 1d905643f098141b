/** APPEND with UIDPLUS's APPENDUID. */
import { bad, no, parseFlags } from '../args.js';
import { parseInternalDate } from '../dates.js';
import type { CommandHandler } from './index.js';

export const append: CommandHandler = async ({ session, args }) => {
  const mailbox = session.requireMailbox();
  const name = args.mailbox();
  const flagTokens = args.optionalList();
  let date: Date | undefined;
  if (args.peek()?.type === 'string' && !(args.peek() as { literal: boolean }).literal) {
    date = parseInternalDate(args.string('date'));
    if (!date) throw bad('Invalid date-time');
  }
  const message = args.bytes('message literal');
  args.end();
  if (message.length === 0) throw no('Empty message', 'CANNOT');
  const flags = parseFlags(flagTokens ?? []).filter((flag) => flag !== '\\Recent');
  const status = await mailbox.status(name).catch(() => {
    throw no('No such mailbox', 'TRYCREATE');
  });
  const meta = await mailbox.append(status.name, message, { flags, internalDate: date });
  if (session.selected?.name === status.name) session.selected.markDirty();
  return { code: `APPENDUID ${status.uidValidity} ${meta.uid}`, text: 'APPEND completed' };
};
