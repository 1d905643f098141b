/** FETCH: flags, dates, sizes, ENVELOPE/BODYSTRUCTURE (cached summaries) and byte-exact sections. */
import { type BodyStructure, extractSection, summariseMessage } from '../../../mail/imap-structure.js';
import type { MessageMeta, MessageSummary } from '../../../store/mailbox/types.js';
import { bad, tokenText } from '../args.js';
import { formatInternalDate } from '../dates.js';
import { atom, imapString, imapValue } from '../encode.js';
import { type FetchItem, parseFetchItems } from '../fetch-items.js';
import type { CommandHandler } from './index.js';

export const fetch: CommandHandler = async ({ session, args, uid }) => {
  const selected = session.requireSelected();
  const mailbox = session.requireMailbox();
  let uids = selected.resolve(args.atom('sequence set'), uid);
  const items = parseFetchItems(args.next('FETCH items'));
  let changedSince: number | undefined;
  const modifiers = args.optionalList();
  if (modifiers) {
    if (modifiers.length !== 2 || tokenText(modifiers[0] as never).toUpperCase() !== 'CHANGEDSINCE') throw bad('Unsupported FETCH modifier');
    const value = tokenText(modifiers[1] as never);
    if (!/^\d{1,19}$/.test(value)) throw bad('Invalid CHANGEDSINCE');
    changedSince = Number(value);
    session.condstore = true;
  }
  args.end();
  if (uid && !items.some((i) => i.kind === 'simple' && i.name === 'UID')) items.unshift({ kind: 'simple', name: 'UID' });
  if ((session.condstore && changedSince !== undefined) || (uid && changedSince !== undefined)) {
    if (!items.some((i) => i.kind === 'simple' && i.name === 'MODSEQ')) items.push({ kind: 'simple', name: 'MODSEQ' });
  }
  if (changedSince !== undefined) uids = uids.filter((u) => (selected.meta.get(u)?.modseq ?? 0) > (changedSince as number));
  const needSummary = items.some((i) => i.kind === 'simple' && ['ENVELOPE', 'BODY', 'BODYSTRUCTURE'].includes(i.name));
  const needRaw = items.some((i) => i.kind === 'section');
  const setsSeen = !selected.readOnly && items.some((i) => i.kind === 'section' && !i.peek);

  for (let start = 0; start < uids.length; start += 200) {
    const batch = uids.slice(start, start + 200);
    const summaries = new Map<number, MessageSummary>();
    if (needSummary) for (const summary of await mailbox.summaries(selected.name, batch)) summaries.set(summary.uid, summary);
    if (setsSeen) {
      const unseen = batch.filter((u) => !selected.meta.get(u)?.flags.includes('\\Seen'));
      if (unseen.length) {
        const result = await mailbox.setFlags(selected.name, unseen, 'add', ['\\Seen']);
        for (const change of result.changed) {
          const meta = selected.meta.get(change.uid);
          if (meta) selected.meta.set(change.uid, { ...meta, flags: change.flags, modseq: change.modseq });
        }
        // FLAGS are reported when they changed as a side effect (RFC 3501 §6.4.5).
        if (result.changed.length && !items.some((i) => i.kind === 'simple' && i.name === 'FLAGS')) {
          items.push({ kind: 'simple', name: 'FLAGS' });
        }
      }
    }
    for (const target of batch) {
      const meta = selected.meta.get(target);
      if (!meta) continue;
      let raw: Buffer | undefined;
      if (needRaw) raw = await mailbox.read(selected.name, target).catch(() => undefined);
      if (needRaw && !raw) continue; // expunged by another session meanwhile
      let summary = summaries.get(target);
      if (needSummary && !summary) continue;
      if (summary && (!summary.envelope || !summary.bodyStructure)) {
        // A store without a cached summary for this message: build it from the bytes.
        const bytes = raw ?? (await mailbox.read(selected.name, target).catch(() => undefined));
        if (!bytes) continue;
        summary = { ...summary, ...summariseMessage(bytes) };
      }
      const parts = items.map((item) => renderItem(item, meta, summary, raw as Buffer));
      session.io.write(Buffer.concat([Buffer.from(`* ${selected.seqOf(target)} FETCH (`), ...joinSpaced(parts), Buffer.from(')\r\n')]));
    }
  }
  return undefined;
};

function joinSpaced(parts: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  parts.forEach((part, index) => {
    if (index > 0) out.push(Buffer.from(' '));
    out.push(part);
  });
  return out;
}

function renderItem(item: FetchItem, meta: MessageMeta, summary: MessageSummary | undefined, raw: Buffer): Buffer {
  if (item.kind === 'section') {
    let bytes = extractSection(raw, item.section);
    if (item.partial) bytes = bytes.subarray(item.partial[0], item.partial[0] + item.partial[1]);
    return Buffer.concat([Buffer.from(`${item.label} `), imapString(bytes, true)]);
  }
  switch (item.name) {
    case 'UID':
      return Buffer.from(`UID ${meta.uid}`);
    case 'FLAGS':
      return Buffer.concat([Buffer.from('FLAGS '), imapValue(meta.flags.map(atom))]);
    case 'INTERNALDATE':
      return Buffer.from(`INTERNALDATE "${formatInternalDate(meta.internalDate)}"`);
    case 'RFC822.SIZE':
      return Buffer.from(`RFC822.SIZE ${meta.size}`);
    case 'MODSEQ':
      return Buffer.from(`MODSEQ (${meta.modseq})`);
    case 'ENVELOPE':
      return Buffer.concat([Buffer.from('ENVELOPE '), imapValue(summary?.envelope)]);
    case 'BODY':
      return Buffer.concat([Buffer.from('BODY '), bodyStructure(summary?.bodyStructure as BodyStructure, false)]);
    case 'BODYSTRUCTURE':
      return Buffer.concat([Buffer.from('BODYSTRUCTURE '), bodyStructure(summary?.bodyStructure as BodyStructure, true)]);
  }
}

/** BODY (basic) or BODYSTRUCTURE (with extension data), RFC 3501 §7.4.2. */
export function bodyStructure(node: BodyStructure, extended: boolean): Buffer {
  if (node.parts) {
    const children = node.parts.map((part) => bodyStructure(part, extended));
    const tail: unknown[] = [node.subtype.toUpperCase()];
    if (extended) tail.push(node.params, node.disposition, node.language, node.location);
    const rest = imapValue(tail);
    return Buffer.concat([Buffer.from('('), ...children, Buffer.from(' '), rest.subarray(1)]);
  }
  const fields: unknown[] = [
    node.type.toUpperCase(),
    node.subtype.toUpperCase(),
    node.params,
    node.id,
    node.description,
    node.encoding.toUpperCase(),
    node.size,
  ];
  const pieces = [imapValue(fields).subarray(0, -1)];
  if (node.envelope && node.body) {
    pieces.push(Buffer.from(' '), imapValue(node.envelope), Buffer.from(' '), bodyStructure(node.body, extended));
    pieces.push(Buffer.from(` ${node.lines ?? 0}`));
  } else if (node.lines !== undefined) {
    pieces.push(Buffer.from(` ${node.lines}`));
  }
  if (extended) pieces.push(Buffer.from(' '), imapValue([node.md5, node.disposition, node.language, node.location]).subarray(1, -1));
  pieces.push(Buffer.from(')'));
  return Buffer.concat(pieces);
}
