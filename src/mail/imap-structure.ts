/**
 * RFC 3501 ENVELOPE and BODYSTRUCTURE as JSON (computed once at delivery and cached by the store),
 * and exact byte sections for FETCH BODY[section]<partial>.
 */
import addressparser from 'nodemailer/lib/addressparser';
import { type MimeNode, parseMime } from './mime-tree.js';

/** [name, adl, mailbox, host]; a group is [null, null, group, null] … [null, null, null, null]. */
export type EnvelopeAddress = [string | null, null, string | null, string | null];
/** date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id */
export type Envelope = [
  string | null,
  string | null,
  EnvelopeAddress[] | null,
  EnvelopeAddress[] | null,
  EnvelopeAddress[] | null,
  EnvelopeAddress[] | null,
  EnvelopeAddress[] | null,
  EnvelopeAddress[] | null,
  string | null,
  string | null,
];

export interface BodyStructure {
  type: string;
  subtype: string;
  /** [name, value, …] or null */
  params: string[] | null;
  id: string | null;
  description: string | null;
  encoding: string;
  size: number;
  lines?: number;
  envelope?: Envelope;
  body?: BodyStructure;
  md5: string | null;
  disposition: [string, string[] | null] | null;
  language: string | null;
  location: string | null;
  parts?: BodyStructure[];
}

export function summariseMessage(raw: Buffer): { envelope: Envelope; bodyStructure: BodyStructure } {
  const root = parseMime(raw);
  return { envelope: envelopeOf(root.headers), bodyStructure: structureOf(root) };
}

/** Header values arrive as latin1 strings; 8-bit headers are taken to be UTF-8. */
function text(value: string | undefined): string | null {
  if (value === undefined) return null;
  return Buffer.from(value, 'latin1').toString('utf8');
}

export function envelopeOf(headers: Map<string, string[]>): Envelope {
  const first = (name: string) => text(headers.get(name)?.[0]);
  const from = addresses(first('from'));
  return [
    first('date'),
    first('subject'),
    from,
    addresses(first('sender')) ?? from,
    addresses(first('reply-to')) ?? from,
    addresses(first('to')),
    addresses(first('cc')),
    addresses(first('bcc')),
    first('in-reply-to'),
    first('message-id'),
  ];
}

function addresses(value: string | null): EnvelopeAddress[] | null {
  if (!value) return null;
  const out: EnvelopeAddress[] = [];
  const single = (entry: { name: string; address?: string }): EnvelopeAddress => {
    const address = entry.address ?? '';
    const at = address.lastIndexOf('@');
    const mailbox = at >= 0 ? address.slice(0, at) : address;
    const host = at >= 0 ? address.slice(at + 1) : null;
    return [entry.name || null, null, mailbox || null, host];
  };
  for (const entry of addressparser(value)) {
    if ('group' in entry && Array.isArray(entry.group)) {
      out.push([null, null, entry.name || '', null]);
      for (const member of entry.group) out.push(single(member as { name: string; address: string }));
      out.push([null, null, null, null]);
    } else out.push(single(entry as { name: string; address: string }));
  }
  return out.length ? out : null;
}

function paramList(params: Record<string, string>, skip: string[] = []): string[] | null {
  const list: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (!skip.includes(name)) list.push(name, text(value) ?? '');
  }
  return list.length ? list : null;
}

function structureOf(node: MimeNode): BodyStructure {
  const header = (name: string) => text(node.headers.get(name)?.[0]);
  const dispositionHeader = node.headers.get('content-disposition')?.[0];
  let disposition: BodyStructure['disposition'] = null;
  if (dispositionHeader) {
    const { value, params } = parseStructured(dispositionHeader);
    if (value) disposition = [value, paramList(params)];
  }
  const common = {
    type: node.type,
    subtype: node.subtype,
    md5: header('content-md5'),
    disposition,
    language: header('content-language'),
    location: header('content-location'),
  };
  if (node.type === 'multipart' && node.parts.length > 0) {
    return {
      ...common,
      params: paramList(node.params),
      id: null,
      description: null,
      encoding: '7bit',
      size: node.body.length,
      parts: node.parts.map(structureOf),
    };
  }
  const structure: BodyStructure = {
    ...common,
    ...(node.type === 'multipart' ? { type: 'text', subtype: 'plain' } : {}),
    params: paramList(node.params),
    id: header('content-id'),
    description: header('content-description'),
    encoding: (header('content-transfer-encoding') ?? '7bit').toLowerCase(),
    size: node.body.length,
  };
  if (node.message) {
    structure.envelope = envelopeOf(node.message.headers);
    structure.body = structureOf(node.message);
    structure.lines = countLines(node.body);
  } else if (structure.type === 'text') {
    structure.lines = countLines(node.body);
  }
  return structure;
}

function parseStructured(value: string): { value: string; params: Record<string, string> } {
  const fake = parseMime(Buffer.from(`Content-Type: x/${value}\r\n\r\n`, 'latin1'));
  return { value: value.split(';')[0]?.trim().toLowerCase() ?? '', params: fake.params };
}

function countLines(body: Buffer): number {
  let lines = 0;
  for (const byte of body) if (byte === 0x0a) lines++;
  if (body.length > 0 && body[body.length - 1] !== 0x0a) lines++;
  return lines;
}

// ---- sections ----

export interface SectionSpec {
  /** "1.2" → [1, 2]; empty = the whole message */
  path: number[];
  /** '' (all), HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME */
  text: string;
  fields: string[];
}

/** The bytes of BODY[section]; undefined when the part does not exist (sent as empty string). */
export function extractSection(raw: Buffer, spec: SectionSpec): Buffer {
  const root = parseMime(raw);
  let current = root;
  for (const index of spec.path) {
    // Below a message/rfc822 part, numbering continues inside the embedded message.
    const container = current !== root && current.message ? current.message : current;
    const child = container.type === 'multipart' ? container.parts[index - 1] : index === 1 ? container : undefined;
    if (!child) return Buffer.alloc(0);
    current = child;
  }
  if (spec.text === '') return spec.path.length === 0 ? raw : current.body;
  if (spec.text === 'MIME') return spec.path.length === 0 ? Buffer.alloc(0) : current.header;
  const message = spec.path.length === 0 ? root : current.message;
  if (!message) return Buffer.alloc(0);
  if (spec.text === 'HEADER') return message.header;
  if (spec.text === 'TEXT') return message.body;
  return filterHeader(message.header, spec.fields, spec.text === 'HEADER.FIELDS.NOT');
}

/** Keeps (or drops) the named header fields, folded lines included, plus the blank line. */
export function filterHeader(header: Buffer, fields: string[], exclude: boolean): Buffer {
  const wanted = new Set(fields.map((field) => field.toLowerCase()));
  const lines = header.toString('latin1').split(/(?<=\n)/);
  const kept: string[] = [];
  let keep = false;
  for (const line of lines) {
    if (line === '\r\n' || line === '\n') break;
    if (/^[ \t]/.test(line)) {
      if (keep) kept.push(line);
      continue;
    }
    const name = line.slice(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase();
    keep = name !== '' && wanted.has(name) !== exclude;
    if (keep) kept.push(line);
  }
  kept.push('\r\n');
  return Buffer.from(kept.join(''), 'latin1');
}

