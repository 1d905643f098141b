/** STORE (+/-FLAGS[.SILENT]) with CONDSTORE's UNCHANGEDSINCE and MODIFIED. */
import { atom, compactSet, imapValue } from '../encode.js';
import { bad, no, parseFlags, tokenText } from '../args.js';
import type { CommandHandler } from './index.js';

export const store: CommandHandler = async ({ session, args, uid }) => {
  const selected = session.requireSelected();
  const uids = selected.resolve(args.atom('sequence set'), uid);
  let unchangedSince: number | undefined;
  const modifiers = args.optionalList();
  if (modifiers) {
    if (modifiers.length !== 2 || tokenText(modifiers[0] as never).toUpperCase() !== 'UNCHANGEDSINCE') {
      throw bad('Unsupported STORE modifier');
    }
    const value = tokenText(modifiers[1] as never);
    if (!/^\d{1,19}$/.test(value)) throw bad('Invalid UNCHANGEDSINCE');
    unchangedSince = Number(value);
    session.condstore = true;
  }
  const item = args.atom('data item').toUpperCase();
  const match = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
  if (!match) throw bad('Invalid STORE data item');
  const flagArgs = args.remaining === 1 && args.peek()?.type === 'list' ? args.list('flags') : [];
  while (args.remaining > 0) flagArgs.push(args.next('flag'));
  const flags = parseFlags(flagArgs);
  if (selected.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
  const mode = match[1] === '+' ? 'add' : match[1] === '-' ? 'remove' : 'replace';
  const silent = Boolean(match[2]);
  const mailbox = session.requireMailbox();
  const result = uids.length ? await mailbox.setFlags(selected.name, uids, mode, flags, { unchangedSince }) : { changed: [], failedModified: [] };
  const changedUids = new Set<number>();
  for (const change of result.changed) {
    changedUids.add(change.uid);
    const meta = selected.meta.get(change.uid);
    if (meta) selected.meta.set(change.uid, { ...meta, flags: change.flags, modseq: change.modseq });
  }
  for (const target of uids) {
    const meta = selected.meta.get(target);
    if (!meta || result.failedModified.includes(target)) continue;
    // Silent suppresses the echo, except CONDSTORE still reports the new MODSEQ of changed ones.
    if (silent && !(unchangedSince !== undefined && changedUids.has(target))) continue;
    const items: unknown[] = [];
    if (uid) items.push(atom('UID'), target);
    if (!silent) items.push(atom('FLAGS'), meta.flags.map(atom));
    if (session.condstore) items.push(atom('MODSEQ'), [meta.modseq]);
    session.untagged(Buffer.concat([Buffer.from(`${selected.seqOf(target)} FETCH `), imapValue(items)]));
  }
  if (result.failedModified.length) {
    const set = uid ? result.failedModified : result.failedModified.map((u) => selected.seqOf(u));
    return { code: `MODIFIED ${compactSet(set)}`, text: 'Some messages were modified' };
  }
  return undefined;
};
