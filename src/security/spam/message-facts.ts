import type { ParsedMessage } from '../content/types.js';

/**
 * Tokens for how a message was made rather than what it says: the HTML it is dressed in and
 * the header fields its sender wrote (Date, Message-ID, To, charset). Bulk mailers give
 * themselves away here even when their words read like a newsletter. Fields added on the
 * way (Received, Return-Path's relays, X-* annotations of the receiving side) are left out:
 * they describe the route and the collecting mailbox, not the sender.
 */
export function messageFacts(message: ParsedMessage): string[] {
  return [...htmlFacts(message.html), ...senderFacts(message)];
}

/** HTML looked at for tags: bulk-mail markup shows in the opening part */
const MAX_HTML = 64 * 1024;
const TAGS = ['font', 'table', 'img', 'center', 'td', 'br', 'p', 'div', 'span', 'a', 'form', 'input', 'script', 'style', 'map', 'o:p', 'meta', 'title', 'strong', 'blockquote', 'hr', 'body'];
const ATTRIBUTES = ['bgcolor', 'color=', 'size=', 'face=', 'width=', 'align=', 'href="mailto', 'style=', 'class=', 'src="http', 'display:none', 'font-size'];

function htmlFacts(html: string): string[] {
  if (!html) return [];
  const lower = html.slice(0, MAX_HTML).toLowerCase();
  const facts: string[] = [];
  for (const tag of TAGS) {
    const count = lower.split(`<${tag}`).length - 1;
    if (count > 0) facts.push(`ht:${tag}:${count > 20 ? 'many' : count > 3 ? 'some' : 'few'}`);
  }
  for (const attribute of ATTRIBUTES) if (lower.includes(attribute)) facts.push(`ha:${attribute}`);
  return facts;
}

function senderFacts(message: ParsedMessage): string[] {
  const facts: string[] = [];
  const header = (name: string) => message.headers.get(name)?.[0] ?? '';
  const charset = /charset="?([a-z0-9_-]+)/i.exec(header('content-type'))?.[1];
  if (charset) facts.push(`cs:${charset.toLowerCase()}`);
  const encoding = header('content-transfer-encoding').trim().toLowerCase();
  if (encoding) facts.push(`cte:${encoding.slice(0, 20)}`);

  const subject = message.subject;
  if (subject === '') facts.push('ss:empty');
  if (subject.includes('!')) facts.push('ss:bang');
  if (subject.includes('$')) facts.push('ss:dollar');
  if (/\s{3,}/.test(subject)) facts.push('ss:spaces');
  if (/[0-9a-f]{6,}|\b\d{4,}\b/i.test(subject)) facts.push('ss:idnum');

  const from = message.from;
  if (from) {
    if (/\d{3,}/.test(from.address.split('@')[0] ?? '')) facts.push('st:from-digits');
    if (message.replyToDomain && message.replyToDomain !== from.domain) facts.push('st:replyto-differs');
  }
  facts.push(...messageIdFacts(header('message-id'), from?.domain));
  facts.push(...dateFacts(header('date')));

  const to = (message.headers.get('to') ?? []).join(',');
  if (!to) facts.push('to:none');
  else {
    if (/undisclosed|recipient list/i.test(to)) facts.push('to:undisclosed');
    const count = to.split(',').length;
    if (count > 1) facts.push(`to:many:${count > 5 ? 'lots' : 'few'}`);
    if (from && to.toLowerCase().includes(from.address.toLowerCase())) facts.push('to:self');
  }
  if (!message.headers.has('cc')) facts.push('cc:none');
  return facts;
}

/**
 * Where the sender's Message-ID says it was made: no host, a bare host name, or the From domain.
 * Its left part is random by design, so it is not read: the same message must score the same.
 */
function messageIdFacts(id: string, fromDomain: string | undefined): string[] {
  if (!id) return [];
  const facts: string[] = [];
  const at = id.lastIndexOf('@');
  const right = at < 0 ? '' : id.slice(at + 1).replace(/>.*$/, '').toLowerCase();
  if (!right) facts.push('mid:no-at');
  else if (!right.includes('.')) facts.push('mid:bare-host');
  if (fromDomain && right.endsWith(fromDomain)) facts.push('mid:from-domain');
  return facts;
}

/** Time zone and day-of-week form: mass mailers often write both oddly or leave them out. */
function dateFacts(date: string): string[] {
  const trimmed = date.trim();
  if (!trimmed) return ['date:none'];
  const zone = /([+-]\d{4}|[A-Z]{2,4})\s*(\(.*\))?$/.exec(trimmed)?.[1];
  const facts = [`date:tz:${zone ?? 'none'}`];
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun),/.test(trimmed)) facts.push('date:no-dow');
  return facts;
}
