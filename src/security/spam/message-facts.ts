import type { ParsedMessage } from '../content/types.js';

/**
 * Tokens for how a message was made rather than what it says: the HTML it is dressed in, the
 * header fields its sender's software wrote (Date, Message-ID, To, charset, X-Mailer…) and the
 * shapes of the identifiers it generated. Bulk mailers give themselves away here even when
 * their words read like a newsletter. Fields added on the way (Received, Return-Path,
 * Delivered-To, X-* annotations of relays, lists and the receiving side) are left out: they
 * describe the route and the collecting mailbox, not the sender.
 */
export function messageFacts(message: ParsedMessage): string[] {
  return [...htmlFacts(message.html), ...senderFacts(message), ...softwareFacts(message), ...shapeFacts(message)];
}

/** Fields only the sending software writes: which are present, and what the telling ones say. */
const SENDER_FIELDS = [
  'x-mailer', 'user-agent', 'x-priority', 'x-msmail-priority', 'x-mimeole', 'importance', 'organization', 'reply-to',
  'disposition-notification-to', 'x-accept-language', 'content-class', 'thread-index', 'thread-topic', 'x-face',
  'x-url', 'mail-followup-to', 'mail-reply-to', 'comments', 'keywords', 'x-library', 'x-sender', 'x-originating-ip',
  'errors-to', 'sender', 'x-confirm-reading-to', 'return-receipt-to', 'x-unsent', 'content-language',
  'x-mailer-version', 'x-info', 'x-abuse', 'x-complaints-to', 'x-report-abuse', 'x-campaign', 'x-job', 'x-server',
  'x-sent', 'x-ip', 'x-antiabuse', 'x-mail-format', 'x-message-id', 'x-list-unsubscribe',
];
const SENDER_FIELD_WORDS = ['x-mailer', 'user-agent', 'x-mimeole', 'organization', 'x-priority', 'x-msmail-priority', 'importance', 'content-class'];
const FIELD_WORD = /[a-z0-9][a-z0-9._-]{1,30}/g;

function softwareFacts(message: ParsedMessage): string[] {
  const facts = SENDER_FIELDS.filter((name) => message.headers.has(name)).map((name) => `hn:${name}`);
  for (const name of SENDER_FIELD_WORDS) {
    const words = message.headers.get(name)?.[0]?.toLowerCase().match(FIELD_WORD) ?? [];
    // version numbers differ by build, not by sender: 6.00.2600 and 6.00.2800 are one mailer
    for (const word of words.slice(0, 12)) facts.push(`hv:${name}:${word.replace(/\d/g, '9')}`);
  }
  if (message.replyToDomain) facts.push(`hv:reply-to:${message.replyToDomain.split('.').slice(-2).join('.')}`);
  const replyToLocal = /([^<\s@]+)@/.exec(message.headers.get('reply-to')?.[0] ?? '')?.[1];
  if (replyToLocal) facts.push(`hv:reply-to-local:${replyToLocal.toLowerCase().replace(/\d+/g, '9').slice(0, 20)}`);
  return facts;
}

/**
 * The shapes of the identifiers the sending software made up (Message-ID's left part, the MIME
 * boundary): its runs of digits, letters and mixed characters between the punctuation it writes,
 * and a coarse length. A run that mixes letters and digits is one class, so a random part
 * (hex, base36) has one shape however its characters fall: the same mailer gives the same shape.
 */
function shapeFacts(message: ParsedMessage): string[] {
  const facts: string[] = [];
  const id = message.headers.get('message-id')?.[0] ?? '';
  const left = id.replace(/^\s*</, '').split('@')[0] ?? '';
  if (left) facts.push(`midl:${shape(left)}`, `midlen:${lengthClass(left.length)}`);
  const boundary = /boundary="?([^";]+)/i.exec(message.headers.get('content-type')?.[0] ?? '')?.[1];
  if (boundary) facts.push(`bnd:${shape(boundary)}`);
  return facts;
}

function shape(value: string): string {
  return value
    .slice(0, 80)
    .replace(/[A-Za-z0-9]+/g, (run) => (/^\d+$/.test(run) ? '9' : /^[a-z]+$/.test(run) ? 'a' : /^[A-Z]+$/.test(run) ? 'A' : 'x'))
    .slice(0, 24);
}

function lengthClass(length: number): string {
  return length <= 8 ? 'short' : length <= 16 ? 'mid' : length <= 32 ? 'long' : 'huge';
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

/** Where the sender's Message-ID says it was made: no host, a bare host name, or the From domain. */
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
