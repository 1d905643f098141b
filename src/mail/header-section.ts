/**
 * Byte-level helpers for the header section of a raw RFC 5322 message. They never decode or
 * re-encode anything, so signatures over untouched fields stay valid.
 */

/** Offset of the first body byte: just after the first empty line (CRLF CRLF), or raw.length. */
export function bodyOffsetOf(raw: Buffer): number {
  if (raw.subarray(0, 2).equals(CRLF)) return 2;
  const index = raw.indexOf(BLANK_LINE);
  return index < 0 ? raw.length : index + BLANK_LINE.length;
}

/** The header section (ending with CRLF) and the body, split at the blank line. */
export function splitMessage(raw: Buffer): { header: Buffer; body: Buffer } {
  const offset = bodyOffsetOf(raw);
  if (offset === raw.length && raw.indexOf(BLANK_LINE) < 0 && !raw.subarray(0, 2).equals(CRLF)) {
    return { header: raw, body: Buffer.alloc(0) };
  }
  return { header: raw.subarray(0, offset - 2), body: raw.subarray(offset) };
}

/** Header fields as raw strings (latin1, byte-preserving), each with its folded continuation lines and trailing CRLF. */
export function headerFields(header: Buffer): string[] {
  const text = header.toString('latin1');
  const fields: string[] = [];
  for (const line of text.split(/(?<=\r\n)/)) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1] += line;
    else if (line.length) fields.push(line);
  }
  return fields;
}

export function fieldName(field: string): string {
  return field.slice(0, Math.max(0, field.indexOf(':'))).trim().toLowerCase();
}

/** Rebuilds a message from kept header fields, new fields (prepended, without CRLF) and the body. */
export function assembleMessage(prepend: string[], fields: string[], body: Buffer): Buffer {
  const head = prepend.map((line) => `${line}\r\n`).join('');
  return Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(fields.join(''), 'latin1'), CRLF, body]);
}

const CRLF = Buffer.from('\r\n');
const BLANK_LINE = Buffer.from('\r\n\r\n');
