import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { simpleParser } from 'mailparser';

/** Builds the cached IMAP ENVELOPE and BODYSTRUCTURE; src/mail's implementation is injected by the app. */
export type Summarise = (raw: Buffer) => { envelope: unknown; bodyStructure: unknown };

export const noSummary: Summarise = () => ({ envelope: null, bodyStructure: null });

/** Everything stored for one message, computed once before the write transaction. */
export interface PreparedMessage {
  compressed: Buffer;
  size: number;
  envelope: string;
  bodyStructure: string;
  headersText: string;
  bodyText: string;
}

const MAX_INDEXED_TEXT = 1_000_000;

export async function prepareMessage(raw: Buffer, summarise: Summarise): Promise<PreparedMessage> {
  let summary: { envelope: unknown; bodyStructure: unknown };
  try {
    summary = summarise(raw);
  } catch {
    // A message the parser cannot summarise is still stored: mail is never lost to a parser bug.
    summary = { envelope: null, bodyStructure: null };
  }
  const { headersText, bodyText } = await searchableText(raw);
  return {
    compressed: deflateRawSync(raw, { level: 6 }),
    size: raw.length,
    envelope: JSON.stringify(summary.envelope ?? null),
    bodyStructure: JSON.stringify(summary.bodyStructure ?? null),
    headersText,
    bodyText,
  };
}

export function decompress(stored: Buffer): Buffer {
  return inflateRawSync(stored);
}

async function searchableText(raw: Buffer): Promise<{ headersText: string; bodyText: string }> {
  try {
    const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
    const headers = parsed.headerLines.map((line) => decodeHeaderLine(line.line, parsed.headers.get(line.key))).join('\n');
    const body = parsed.text ?? '';
    return { headersText: headers.slice(0, MAX_INDEXED_TEXT), bodyText: body.slice(0, MAX_INDEXED_TEXT) };
  } catch {
    return { headersText: headerBlock(raw).toString('latin1'), bodyText: '' };
  }
}

function decodeHeaderLine(line: string, value: unknown): string {
  const name = line.slice(0, line.indexOf(':'));
  if (typeof value === 'string') return `${name}: ${value}`;
  if (value && typeof value === 'object' && 'text' in value) return `${name}: ${String((value as { text: string }).text)}`;
  return line;
}

/** The raw header block (up to the first empty line). */
export function headerBlock(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length ? raw.subarray(0, Math.min(...ends)) : raw;
}
