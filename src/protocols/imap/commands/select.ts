/** SELECT / EXAMINE (with CONDSTORE), CLOSE, UNSELECT. */
import { bad } from '../args.js';
import { SelectedFolder } from '../selected.js';
import type { CommandHandler, CommandInput } from './index.js';

const FLAGS = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

async function open({ session, args }: CommandInput, readOnly: boolean) {
  const mailbox = session.requireMailbox();
  const name = args.mailbox();
  const params = args.optionalList();
  args.end();
  for (const param of params ?? []) {
    if (param.type !== 'atom' || param.value.toUpperCase() !== 'CONDSTORE') throw bad('Unsupported SELECT parameter');
    if (!session.condstore) {
      session.condstore = true;
    }
  }
  // Leaving the previous folder first: a failed SELECT leaves none selected (RFC 3501 §6.3.1).
  session.selected = undefined;
  session.state = 'authenticated';
  const folders = await mailbox.listFolders();
  const folder = folders.find((f) => f.name === name);
  if (!folder) throw Object.assign(new Error('no such folder'), { publicMessage: 'No such mailbox', code: 'not_found' });
  const selected = new SelectedFolder(folder.name, readOnly);
  await selected.load(mailbox);
  const firstUnseen = selected.uids.findIndex((uid) => !selected.meta.get(uid)?.flags.includes('\\Seen'));
  session.untagged(`FLAGS (${FLAGS})`);
  session.untagged(`${selected.exists} EXISTS`);
  session.untagged('0 RECENT');
  if (firstUnseen >= 0) session.untagged(`OK [UNSEEN ${firstUnseen + 1}] First unseen`);
  session.untagged(`OK [UIDVALIDITY ${selected.uidValidity}] UIDs valid`);
  session.untagged(`OK [UIDNEXT ${selected.uidNext}] Predicted next UID`);
  session.untagged(readOnly ? 'OK [PERMANENTFLAGS ()] Read-only' : `OK [PERMANENTFLAGS (${FLAGS} \\*)] Flags permitted`);
  if (session.condstore) session.untagged(`OK [HIGHESTMODSEQ ${selected.highestModseq()}] Highest`);
  session.selected = selected;
  session.state = 'selected';
  return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${readOnly ? 'EXAMINE' : 'SELECT'} completed` };
}

export const select: CommandHandler = (input) => open(input, false);
export const examine: CommandHandler = (input) => open(input, true);

/** CLOSE expunges silently (unless read-only), UNSELECT does not. */
export const close: CommandHandler = async ({ session, args }) => {
  args.end();
  const selected = session.requireSelected();
  if (!selected.readOnly) await session.requireMailbox().expunge(selected.name);
  session.selected = undefined;
  session.state = 'authenticated';
  return undefined;
};

export const unselect: CommandHandler = async ({ session, args }) => {
  args.end();
  session.requireSelected();
  session.selected = undefined;
  session.state = 'authenticated';
  return undefined;
};
