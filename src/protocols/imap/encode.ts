/**
 * Serialising response data: strings as quoted or literal, NIL, nested lists. ENVELOPE and
 * BODYSTRUCTURE (JSON from src/mail/imap-structure) pass through `imapValue` unchanged.
 */

/** A value in a response: `null` is NIL, arrays are parenthesised lists, Atom is sent verbatim. */
export type ImapValue = string | number | null | Buffer | Atom | ImapValue[];

export class Atom {
  constructor(readonly value: string) {}
}

export const atom = (value: string) => new Atom(value);

export function imapValue(value: unknown): Buffer {
  const parts: Buffer[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function write(value: unknown, parts: Buffer[]): void {
  if (value === null || value === undefined) parts.push(Buffer.from('NIL'));
  else if (value instanceof Atom) parts.push(Buffer.from(value.value, 'latin1'));
  else if (typeof value === 'number' || typeof value === 'bigint') parts.push(Buffer.from(String(value)));
  else if (typeof value === 'string') parts.push(imapString(Buffer.from(value, 'utf8')));
  else if (Buffer.isBuffer(value)) parts.push(imapString(value, true));
  else if (Array.isArray(value)) {
    parts.push(Buffer.from('('));
    value.forEach((item, index) => {
      if (index > 0) parts.push(Buffer.from(' '));
      write(item, parts);
    });
    parts.push(Buffer.from(')'));
  } else parts.push(imapString(Buffer.from(String(value))));
}

/** A quoted string when safe, else a literal (always a literal when `forceLiteral`). */
export function imapString(bytes: Buffer, forceLiteral = false): Buffer {
  if (!forceLiteral && bytes.length < 1000 && isQuotable(bytes)) {
    return Buffer.from(`"${bytes.toString('latin1').replace(/[\\"]/g, '\\$&')}"`, 'latin1');
  }
  return Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`), bytes]);
}

function isQuotable(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte === 0x0d || byte === 0x0a || byte === 0 || byte > 0x7e) return false;
  return true;
}

/** A mailbox name for LIST/STATUS responses (modified UTF-7, quoted). */
export function mailboxName(name: string): Buffer {
  return imapString(Buffer.from(encodeMailboxName(name), 'latin1'));
}

// ---- modified UTF-7 (RFC 3501 §5.1.3) ----

export function encodeMailboxName(name: string): string {
  let out = '';
  let pending = '';
  const flush = () => {
    if (!pending) return;
    const utf16 = Buffer.alloc(pending.length * 2);
    for (let i = 0; i < pending.length; i++) utf16.writeUInt16BE(pending.charCodeAt(i), i * 2);
    out += `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = '';
  };
  for (const char of name) {
    const code = char.codePointAt(0) as number;
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      out += char === '&' ? '&-' : char;
    } else {
      pending += char;
    }
  }
  flush();
  return out;
}

/** Decodes modified UTF-7; returns undefined for an invalid name (the command then gets BAD/NO). */
export function decodeMailboxName(encoded: string): string | undefined {
  let out = '';
  for (let i = 0; i < encoded.length; i++) {
    const char = encoded[i] as string;
    const code = char.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) return undefined;
    if (char !== '&') {
      out += char;
      continue;
    }
    const end = encoded.indexOf('-', i);
    if (end < 0) return undefined;
    const chunk = encoded.slice(i + 1, end);
    i = end;
    if (chunk === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(chunk)) return undefined;
    const bytes = Buffer.from(chunk.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0 || bytes.length === 0) return undefined;
    let text = '';
    for (let j = 0; j < bytes.length; j += 2) text += String.fromCharCode(bytes.readUInt16BE(j));
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) return undefined;
    // A run of printable ASCII must not be encoded, and the result must round-trip.
    if (/[\x20-\x7e]/.test(text)) return undefined;
    out += text;
  }
  return encodeMailboxName(out) === encoded ? out : undefined;
}

// ---- sequence sets ----

/** Parses `1:3,7,9:*` against the largest number in use; undefined when malformed. */
export function parseSequenceSet(text: string, max: number): Array<[number, number]> | undefined {
  if (!/^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(text)) return undefined;
  const ranges: Array<[number, number]> = [];
  for (const part of text.split(',')) {
    const [a, b = a] = part.split(':') as [string, string?];
    const from = a === '*' ? max : Number(a);
    const to = b === '*' ? max : Number(b);
    if ((a !== '*' && from === 0) || (b !== '*' && to === 0)) return undefined;
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return undefined;
    ranges.push(from <= to ? [from, to] : [to, from]);
  }
  return ranges;
}

export function inRanges(value: number, ranges: Array<[number, number]>): boolean {
  for (const [from, to] of ranges) if (value >= from && value <= to) return true;
  return false;
}

/** Compacts sorted numbers into a sequence set: 1,2,3,7 → "1:3,7". */
export function compactSet(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    out.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}
