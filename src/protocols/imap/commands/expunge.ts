/** EXPUNGE and UID EXPUNGE (UIDPLUS). */
import { no } from '../args.js';
import type { CommandHandler } from './index.js';

export const expunge: CommandHandler = async ({ session, args, uid }) => {
  const selected = session.requireSelected();
  const uids = uid ? selected.resolve(args.atom('UID set'), true) : undefined;
  args.end();
  if (selected.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
  const gone = await session.requireMailbox().expunge(selected.name, uids);
  for (const expunged of gone.sort((a, b) => a - b)) {
    const line = selected.expungeLine(expunged);
    if (line) session.io.write(`${line}\r\n`);
  }
  return undefined;
};
