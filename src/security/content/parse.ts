import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { readHtml, textLinks } from './html.js';
import type { ContentLimits } from './limits.js';
import type { Attachment, Finding, Link, ParsedMessage } from './types.js';

/**
 * Turns raw bytes into the bounded view the checks read. Never throws: a message that cannot
 * be parsed still gets a verdict, with the problem reported as a `mime` finding.
 */
export async function parseMessage(input: Buffer, limits: ContentLimits): Promise<ParsedMessage> {
  const problems: Finding[] = [];
  let raw = input;
  if (raw.length > limits.maxMessageBytes) {
    raw = raw.subarray(0, limits.maxMessageBytes);
    problems.push({ check: 'mime', result: 'MESSAGE_TRUNCATED', detail: `scanned first ${limits.maxMessageBytes} bytes` });
  }
  const multiparts = countMultiparts(raw, limits.maxMultiparts + 1);
  if (multiparts > limits.maxMultiparts) {
    problems.push({ check: 'mime', result: 'MIME_TOO_COMPLEX', detail: `more than ${limits.maxMultiparts} multiparts` });
    raw = headerBlock(raw);
  }
  let mail: ParsedMail | undefined;
  try {
    mail = await withTimeout(
      simpleParser(raw, {
        skipHtmlToText: true,
        skipTextToHtml: true,
        skipImageLinks: true,
        checksumAlgo: false,
        keepCidLinks: true,
        maxHtmlLengthToParse: limits.maxHtmlChars,
      }),
      limits.parseTimeoutMs,
    );
  } catch (error) {
    const timedOut = error instanceof Error && error.message === 'parse timeout';
    problems.push({ check: 'mime', result: timedOut ? 'MIME_PARSE_TIMEOUT' : 'MIME_PARSE_ERROR' });
    try {
      mail = await withTimeout(simpleParser(headerBlock(raw), { skipHtmlToText: true }), limits.parseTimeoutMs);
    } catch {
      mail = undefined;
    }
  }
  return view(mail, limits, problems);
}

function view(mail: ParsedMail | undefined, limits: ContentLimits, problems: Finding[]): ParsedMessage {
  const headers = new Map<string, string[]>();
  for (const line of (mail?.headerLines ?? []).slice(0, limits.maxHeaders)) {
    const value = line.line.slice(line.line.indexOf(':') + 1).trim();
    headers.set(line.key, [...(headers.get(line.key) ?? []), value]);
  }
  let html = typeof mail?.html === 'string' ? mail.html : '';
  if (html.length > limits.maxHtmlChars) {
    html = html.slice(0, limits.maxHtmlChars);
    problems.push({ check: 'mime', result: 'HTML_TRUNCATED' });
  }
  const htmlContent = readHtml(html, limits.maxLinks);
  const plain = (mail?.text ?? '').slice(0, limits.maxTextChars);
  const text = `${plain}\n${htmlContent.text}`.slice(0, limits.maxTextChars);
  const links: Link[] = [...htmlContent.links, ...textLinks(plain, limits.maxLinks)].slice(0, limits.maxLinks);
  const attachments: Attachment[] = (mail?.attachments ?? []).slice(0, limits.maxAttachments).map((a) => ({
    filename: a.filename ?? '',
    contentType: a.contentType ?? 'application/octet-stream',
    size: a.content.length,
    content: a.content,
  }));
  if ((mail?.attachments?.length ?? 0) > limits.maxAttachments) {
    problems.push({ check: 'mime', result: 'TOO_MANY_ATTACHMENTS' });
  }
  const from = firstAddress(mail?.from);
  return {
    headers,
    from,
    replyToDomain: firstAddress(mail?.replyTo)?.domain,
    recipients: [...addresses(mail?.to), ...addresses(mail?.cc)].map((a) => a.address),
    subject: mail?.subject ?? '',
    text,
    html,
    links,
    attachments,
    hasMessageId: headers.has('message-id'),
    problems,
    credentialForm: htmlContent.credentialForm,
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): { name: string; address: string }[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const out: { name: string; address: string }[] = [];
  for (const object of list) {
    for (const entry of object.value) {
      for (const member of entry.group ?? [entry]) {
        out.push({ name: member.name ?? '', address: (member.address ?? '').toLowerCase() });
      }
    }
  }
  return out;
}

function firstAddress(field: AddressObject | AddressObject[] | undefined) {
  const first = addresses(field)[0];
  if (!first) return undefined;
  const at = first.address.lastIndexOf('@');
  return { name: first.name, address: first.address, domain: at === -1 ? '' : first.address.slice(at + 1) };
}

/** Counts `boundary=` parameters, stopping early: a cheap bound on nesting and part count. */
function countMultiparts(raw: Buffer, stopAt: number): number {
  let count = 0;
  for (const _ of raw.toString('latin1').matchAll(/boundary\s*=/gi)) {
    if (++count >= stopAt) break;
  }
  return count;
}

function headerBlock(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((x) => x !== -1);
  const end = ends.length === 0 ? Math.min(raw.length, 64 * 1024) : Math.min(...ends);
  // keep the header fields only; the Content-Type is dropped so the parser does not look for parts
  const text = raw
    .subarray(0, Math.min(end, 64 * 1024))
    .toString('latin1')
    .replace(/^content-type:.*(\r?\n[ \t].*)*/gim, '');
  return Buffer.from(`${text}\r\n\r\n`, 'latin1');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('parse timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
