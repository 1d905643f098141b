/** Parses FETCH data items into a plan: which store calls are needed and what to send. */
import type { SectionSpec } from '../../mail/imap-structure.js';
import { bad } from './args.js';
import type { Token } from './parser.js';

export type FetchItem =
  | { kind: 'simple'; name: 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE' | 'MODSEQ' }
  | { kind: 'section'; label: string; section: SectionSpec; peek: boolean; partial?: [number, number] };

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const SIMPLE = new Set(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'MODSEQ']);

export function parseFetchItems(token: Token): FetchItem[] {
  if (token.type === 'atom' && MACROS[token.value.toUpperCase()]) {
    return (MACROS[token.value.toUpperCase()] as string[]).map(parseItem);
  }
  const tokens = token.type === 'list' ? token.items : [token];
  if (tokens.length === 0) throw bad('Empty FETCH item list');
  return tokens.map((item) => {
    if (item.type !== 'atom') throw bad('Invalid FETCH item');
    return parseItem(item.value);
  });
}

function parseItem(raw: string): FetchItem {
  const upper = raw.toUpperCase();
  if (SIMPLE.has(upper)) return { kind: 'simple', name: upper as never };
  if (upper === 'RFC822') return { kind: 'section', label: 'RFC822', section: { path: [], text: '', fields: [] }, peek: false };
  if (upper === 'RFC822.HEADER') {
    return { kind: 'section', label: 'RFC822.HEADER', section: { path: [], text: 'HEADER', fields: [] }, peek: true };
  }
  if (upper === 'RFC822.TEXT') return { kind: 'section', label: 'RFC822.TEXT', section: { path: [], text: 'TEXT', fields: [] }, peek: false };
  const match = /^BODY(\.PEEK)?\[([^\]]*)\](?:<(\d{1,10})\.(\d{1,10})>)?$/i.exec(raw);
  if (!match) throw bad('Invalid FETCH item');
  const section = parseSection(match[2] as string);
  const partial: [number, number] | undefined = match[3] !== undefined ? [Number(match[3]), Number(match[4])] : undefined;
  if (partial && partial[1] === 0) throw bad('Invalid partial length');
  const label = `BODY[${(match[2] as string).toUpperCase()}]${partial ? `<${partial[0]}>` : ''}`;
  return { kind: 'section', label, section, peek: Boolean(match[1]), partial };
}

export function parseSection(text: string): SectionSpec {
  const match = /^((?:\d{1,5}\.)*\d{1,5})?\.?(HEADER\.FIELDS(?:\.NOT)?\s*\(([^()]*)\)|HEADER|TEXT|MIME)?$/i.exec(text);
  if (!match) throw bad('Invalid section');
  const path = match[1] ? match[1].split('.').map(Number) : [];
  if (path.some((n) => n < 1)) throw bad('Invalid section part');
  let kind = (match[2] ?? '').toUpperCase();
  let fields: string[] = [];
  if (kind.startsWith('HEADER.FIELDS')) {
    fields = (match[3] ?? '').trim().split(/\s+/).filter(Boolean).map((f) => f.replace(/^"|"$/g, ''));
    if (fields.length === 0) throw bad('Empty header field list');
    kind = kind.includes('.NOT') ? 'HEADER.FIELDS.NOT' : 'HEADER.FIELDS';
  }
  if (kind === 'MIME' && path.length === 0) throw bad('MIME needs a part number');
  return { path, text: kind, fields };
}
