import { learnFromMessage } from '../../security/spam/user-model.js';
import type { MailboxSession } from '../../store/mailbox/types.js';

/** At most this many messages of one COPY/MOVE train the user's model (bounds the work per command). */
const MAX_LEARNED_PER_COMMAND = 200;

/**
 * Per-user spam learning from the user's own actions: a message put into Junk (COPY or MOVE)
 * is learned as spam, one MOVEd out of Junk as ham. Learning is best effort: it never fails the
 * command. `uids` are the messages' UIDs in the destination folder.
 */
export async function learnFromTransfer(
  mailbox: MailboxSession,
  move: { from: string; to: string; mode: 'copy' | 'move'; uids: number[] },
): Promise<void> {
  let junk: string;
  try {
    junk = await mailbox.folderFor('\\Junk');
  } catch {
    return;
  }
  let label: 'spam' | 'ham' | undefined;
  if (move.to === junk && move.from !== junk) label = 'spam';
  else if (move.from === junk && move.to !== junk && move.mode === 'move') label = 'ham';
  if (!label) return;
  for (const uid of move.uids.slice(0, MAX_LEARNED_PER_COMMAND)) {
    try {
      await learnFromMessage(mailbox, await mailbox.read(move.to, uid), label);
    } catch {
      // A message that cannot be read or parsed is simply not learned from.
    }
  }
}
