/**
 * A small MIME splitter that keeps exact byte ranges: IMAP's BODY[1.2.HEADER]<0.100> must return
 * the stored bytes, not a re-encoded rendering (which is why mailparser does not fit here).
 */

export interface MimeNode {
  /** Header block including the blank line that ends it. */
  header: Buffer;
  body: Buffer;
  /** Lower-cased header name → raw unfolded values, in order. */
  headers: Map<string, string[]>;
  type: string;
  subtype: string;
  params: Record<string, string>;
  /** multipart children */
  parts: MimeNode[];
  /** message/rfc822: the embedded message */
  message?: MimeNode;
}

const MAX_DEPTH = 32;

export function parseMime(raw: Buffer, depth = 0, defaultType = 'text/plain'): MimeNode {
  const { header, body } = splitHeader(raw);
  const headers = parseHeaders(header);
  const contentType = headers.get('content-type')?.[0] ?? defaultType;
  const { value, params } = parseStructuredHeader(contentType);
  let [type = 'text', subtype = 'plain'] = value.toLowerCase().split('/');
  if (!/^[a-z0-9!#$&^_.+-]+$/.test(type) || !/^[a-z0-9!#$&^_.+-]+$/.test(subtype)) {
    type = 'text';
    subtype = 'plain';
  }
  const node: MimeNode = { header, body, headers, type, subtype, params, parts: [] };
  if (depth >= MAX_DEPTH) return node;
  if (type === 'multipart' && params.boundary) {
    const childDefault = subtype === 'digest' ? 'message/rfc822' : 'text/plain';
    node.parts = splitMultipart(body, params.boundary).map((part) => parseMime(part, depth + 1, childDefault));
  } else if (type === 'message' && (subtype === 'rfc822' || subtype === 'global')) {
    node.message = parseMime(body, depth + 1);
  }
  return node;
}

export function splitHeader(raw: Buffer): { header: Buffer; body: Buffer } {
  if (raw[0] === 0x0a) return { header: raw.subarray(0, 1), body: raw.subarray(1) };
  if (raw[0] === 0x0d && raw[1] === 0x0a) return { header: raw.subarray(0, 2), body: raw.subarray(2) };
  const index = raw.indexOf('\n\n');
  const crlf = raw.indexOf('\r\n\r\n');
  if (crlf >= 0 && (index < 0 || crlf < index)) return { header: raw.subarray(0, crlf + 4), body: raw.subarray(crlf + 4) };
  if (index >= 0) return { header: raw.subarray(0, index + 2), body: raw.subarray(index + 2) };
  return { header: raw, body: Buffer.alloc(0) };
}

export function parseHeaders(header: Buffer): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const text = header.toString('latin1').replace(/\r?\n[ \t]/g, ' ');
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const list = map.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    map.set(name, list);
  }
  return map;
}

/** `text/plain; charset="utf-8"` → value and lower-cased parameter names. */
export function parseStructuredHeader(header: string): { value: string; params: Record<string, string> } {
  const [value = '', ...rest] = splitOutsideQuotes(header, ';');
  const params: Record<string, string> = {};
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const name = item.slice(0, eq).trim().toLowerCase();
    let paramValue = item.slice(eq + 1).trim();
    if (paramValue.startsWith('"') && paramValue.endsWith('"') && paramValue.length >= 2) {
      paramValue = paramValue.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (name && !(name in params)) params[name] = paramValue;
  }
  return { value: value.trim(), params };
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\' && quoted) {
      current += char + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      out.push(current);
      current = '';
    } else current += char;
  }
  out.push(current);
  return out;
}

/** The parts between `--boundary` lines, each without the CRLF that precedes the next delimiter. */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: Buffer[] = [];
  let start = -1;
  let position = 0;
  while (position <= body.length) {
    const found = body.indexOf(delimiter, position);
    if (found < 0) break;
    const atLineStart = found === 0 || body[found - 1] === 0x0a;
    if (!atLineStart) {
      position = found + delimiter.length;
      continue;
    }
    if (start >= 0) {
      let end = found;
      if (body[end - 1] === 0x0a) end--;
      if (body[end - 1] === 0x0d) end--;
      parts.push(body.subarray(start, Math.max(start, end)));
    }
    const closing = body[found + delimiter.length] === 0x2d && body[found + delimiter.length + 1] === 0x2d;
    if (closing) return parts;
    const lineEnd = body.indexOf(0x0a, found);
    if (lineEnd < 0) return parts;
    start = lineEnd + 1;
    position = start;
  }
  if (start >= 0 && start <= body.length) parts.push(body.subarray(start));
  return parts;
}
