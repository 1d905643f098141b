/** COPY and MOVE (RFC 6851) with UIDPLUS's COPYUID. */
import { compactSet } from '../encode.js';
import { no } from '../args.js';
import { learnFromTransfer } from '../junk-learning.js';
import type { CommandHandler, CommandInput } from './index.js';

async function transfer({ session, args, uid }: CommandInput, mode: 'copy' | 'move') {
  const selected = session.requireSelected();
  const mailbox = session.requireMailbox();
  const uids = selected.resolve(args.atom('sequence set'), uid);
  const destination = args.mailbox();
  args.end();
  if (mode === 'move' && selected.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
  const target = await mailbox.status(destination).catch(() => {
    throw no('No such mailbox', 'TRYCREATE');
  });
  if (uids.length === 0) return { text: 'No messages' };
  const map = mode === 'copy' ? await mailbox.copy(selected.name, uids, target.name) : await mailbox.move(selected.name, uids, target.name);
  const sources = [...map.keys()].sort((a, b) => a - b);
  const code = `COPYUID ${target.uidValidity} ${compactSet(sources)} ${sources.map((s) => map.get(s)).join(',')}`;
  if (target.name === selected.name) selected.markDirty();
  const targetUids = sources.map((s) => map.get(s)).filter((u): u is number => u !== undefined);
  await learnFromTransfer(mailbox, { from: selected.name, to: target.name, mode, uids: targetUids });
  if (mode === 'copy') return { code, text: 'COPY completed' };
  session.untagged(`OK [${code}] Moved`);
  for (const moved of sources) {
    const line = selected.expungeLine(moved);
    if (line) session.io.write(`${line}\r\n`);
  }
  return { text: 'MOVE completed' };
}

export const copy: CommandHandler = (input) => transfer(input, 'copy');
export const move: CommandHandler = (input) => transfer(input, 'move');
