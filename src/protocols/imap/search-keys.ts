/**
 * SEARCH keys (RFC 3501 §6.4.4 + CONDSTORE's MODSEQ) parsed into a tree, then evaluated per message.
 * Text keys go to the store's full-text index once each; everything else is checked in memory.
 */
import { summariseMessage } from '../../mail/imap-structure.js';
import type { MailboxSession, MessageMeta } from '../../store/mailbox/types.js';
import { bad, no } from './args.js';
import { dayOf, parseSearchDate } from './dates.js';
import { inRanges, parseSequenceSet } from './encode.js';
import type { Token } from './parser.js';
import type { SelectedFolder } from './selected.js';

export type SearchKey =
  | { op: 'all' }
  | { op: 'flag'; flag: string; present: boolean }
  | { op: 'new' | 'old' | 'recent' }
  | { op: 'text'; query: { text?: string; body?: string; header?: [string, string] }; result?: Set<number> }
  | { op: 'date'; field: 'internal' | 'sent'; cmp: 'before' | 'on' | 'since'; day: number }
  | { op: 'size'; cmp: 'larger' | 'smaller'; bytes: number }
  | { op: 'set'; byUid: boolean; text: string; members?: Set<number> }
  | { op: 'modseq'; value: number }
  | { op: 'not'; key: SearchKey }
  | { op: 'or'; left: SearchKey; right: SearchKey }
  | { op: 'and'; keys: SearchKey[] };

const MAX_KEYS = 256;

export function parseSearch(tokens: Token[]): SearchKey {
  const state = { index: 0, count: 0 };
  const keys: SearchKey[] = [];
  while (state.index < tokens.length) keys.push(parseKey(tokens, state, 0));
  if (keys.length === 0) throw bad('Missing search key');
  return keys.length === 1 ? (keys[0] as SearchKey) : { op: 'and', keys };
}

function text(token: Token | undefined, what: string): string {
  if (!token) throw bad(`Missing ${what}`);
  if (token.type === 'atom') return token.value;
  if (token.type === 'string') return token.value.toString('utf8');
  throw bad(`Expected ${what}`);
}

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};

const HEADER_KEYS: Record<string, string> = { BCC: 'bcc', CC: 'cc', FROM: 'from', SUBJECT: 'subject', TO: 'to' };
const DATE_KEYS: Record<string, ['internal' | 'sent', 'before' | 'on' | 'since']> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
};

function parseKey(tokens: Token[], state: { index: number; count: number }, depth: number): SearchKey {
  if (++state.count > MAX_KEYS || depth > 32) throw bad('Search too complex');
  const token = tokens[state.index++];
  if (!token) throw bad('Missing search key');
  if (token.type === 'list') {
    const keys = parseSearchNested(token.items, state, depth + 1);
    return keys.length === 1 ? (keys[0] as SearchKey) : { op: 'and', keys };
  }
  if (token.type !== 'atom') throw bad('Invalid search key');
  const name = token.value.toUpperCase();
  const arg = (what: string) => text(tokens[state.index++], what);
  if (name === 'ALL') return { op: 'all' };
  if (name === 'NEW' || name === 'OLD' || name === 'RECENT') return { op: name.toLowerCase() as 'new' };
  const flag = FLAG_KEYS[name];
  if (flag) return { op: 'flag', flag: flag[0], present: flag[1] };
  if (name === 'KEYWORD' || name === 'UNKEYWORD') return { op: 'flag', flag: arg('keyword'), present: name === 'KEYWORD' };
  if (HEADER_KEYS[name]) return { op: 'text', query: { header: [HEADER_KEYS[name] as string, arg('string')] } };
  if (name === 'HEADER') {
    const field = arg('header name');
    return { op: 'text', query: { header: [field, arg('string')] } };
  }
  if (name === 'TEXT') return { op: 'text', query: { text: arg('string') } };
  if (name === 'BODY') return { op: 'text', query: { body: arg('string') } };
  const dateKey = DATE_KEYS[name];
  if (dateKey) {
    const day = parseSearchDate(arg('date'));
    if (day === undefined) throw bad('Invalid date');
    return { op: 'date', field: dateKey[0], cmp: dateKey[1], day };
  }
  if (name === 'LARGER' || name === 'SMALLER') {
    const value = arg('size');
    if (!/^\d{1,15}$/.test(value)) throw bad('Invalid size');
    return { op: 'size', cmp: name.toLowerCase() as 'larger', bytes: Number(value) };
  }
  if (name === 'UID') return { op: 'set', byUid: true, text: arg('UID set') };
  if (name === 'NOT') return { op: 'not', key: parseKey(tokens, state, depth + 1) };
  if (name === 'OR') {
    const left = parseKey(tokens, state, depth + 1);
    return { op: 'or', left, right: parseKey(tokens, state, depth + 1) };
  }
  if (name === 'MODSEQ') {
    let value = arg('mod-sequence');
    if (tokens[state.index - 1]?.type === 'string') {
      state.index++; // entry type (priv/shared/all)
      value = arg('mod-sequence');
    }
    if (!/^\d{1,19}$/.test(value)) throw bad('Invalid MODSEQ');
    return { op: 'modseq', value: Number(value) };
  }
  if (/^[\d*:,]+$/.test(name)) return { op: 'set', byUid: false, text: name };
  throw bad('Unknown search key');
}

function parseSearchNested(tokens: Token[], parent: { index: number; count: number }, depth: number): SearchKey[] {
  const state = { index: 0, count: parent.count };
  const keys: SearchKey[] = [];
  while (state.index < tokens.length) keys.push(parseKey(tokens, state, depth));
  parent.count = state.count;
  if (keys.length === 0) throw bad('Empty search list');
  return keys;
}

/** Resolves the parts that need the store (full-text, sent dates), then filters `uids`. */
export async function runSearch(key: SearchKey, selected: SelectedFolder, mailbox: MailboxSession): Promise<number[]> {
  let needSent = false;
  const pending: Promise<void>[] = [];
  const maxUid = selected.uids[selected.uids.length - 1] ?? 0;
  const walk = (node: SearchKey): void => {
    if (node.op === 'text') {
      pending.push(
        mailbox.searchText(selected.name, node.query).then((uids) => {
          node.result = new Set(uids);
        }),
      );
    } else if (node.op === 'date' && node.field === 'sent') needSent = true;
    else if (node.op === 'set') {
      const ranges = parseSequenceSet(node.text, node.byUid ? maxUid : selected.uids.length);
      if (!ranges) throw bad('Invalid sequence set');
      node.members = new Set(
        node.byUid ? selected.uids.filter((u) => inRanges(u, ranges)) : selected.uids.filter((_u, i) => inRanges(i + 1, ranges)),
      );
    } else if (node.op === 'not') walk(node.key);
    else if (node.op === 'or') {
      walk(node.left);
      walk(node.right);
    } else if (node.op === 'and') node.keys.forEach(walk);
  };
  walk(key);
  await Promise.all(pending);
  const sent = new Map<number, number>();
  if (needSent) {
    for (const summary of await mailbox.summaries(selected.name, selected.uids)) {
      let envelope = summary.envelope;
      if (!Array.isArray(envelope)) {
        const raw = await mailbox.read(selected.name, summary.uid).catch(() => undefined);
        envelope = raw ? summariseMessage(raw).envelope : undefined;
      }
      const date = Array.isArray(envelope) ? Date.parse(String(envelope[0] ?? '')) : Number.NaN;
      if (!Number.isNaN(date)) sent.set(summary.uid, dayOf(date));
    }
  }
  return selected.uids.filter((uid) => {
    const meta = selected.meta.get(uid);
    return meta ? matches(key, meta, sent) : false;
  });
}

function matches(key: SearchKey, meta: MessageMeta, sent: Map<number, number>): boolean {
  switch (key.op) {
    case 'all':
      return true;
    case 'flag':
      return meta.flags.some((f) => f.toLowerCase() === key.flag.toLowerCase()) === key.present;
    case 'new':
    case 'recent':
      return false; // \Recent is not kept (RFC 9051 dropped it)
    case 'old':
      return true;
    case 'text':
      return key.result?.has(meta.uid) ?? false;
    case 'date': {
      const day = key.field === 'internal' ? dayOf(Date.parse(meta.internalDate)) : sent.get(meta.uid);
      if (day === undefined) return false;
      return key.cmp === 'before' ? day < key.day : key.cmp === 'on' ? day === key.day : day >= key.day;
    }
    case 'size':
      return key.cmp === 'larger' ? meta.size > key.bytes : meta.size < key.bytes;
    case 'set':
      return key.members?.has(meta.uid) ?? false;
    case 'modseq':
      return meta.modseq >= key.value;
    case 'not':
      return !matches(key.key, meta, sent);
    case 'or':
      return matches(key.left, meta, sent) || matches(key.right, meta, sent);
    case 'and':
      return key.keys.every((k) => matches(k, meta, sent));
  }
}

export function usesModseq(key: SearchKey): boolean {
  if (key.op === 'modseq') return true;
  if (key.op === 'not') return usesModseq(key.key);
  if (key.op === 'or') return usesModseq(key.left) || usesModseq(key.right);
  if (key.op === 'and') return key.keys.some(usesModseq);
  return false;
}

export function checkCharset(charset: string): void {
  if (!['UTF-8', 'US-ASCII'].includes(charset.toUpperCase())) throw no('Unsupported charset', 'BADCHARSET (UTF-8 US-ASCII)');
}
