import { getDomain } from 'tldts';
import type { ParsedMessage } from '../content/types.js';
import { messageFacts } from './message-facts.js';

/**
 * The classifier's features: words of the subject, the sender's display name and the body
 * (text parts and the text of HTML parts), the domains links point to, a few header facts
 * and structure buckets, and how the message was made (`messageFacts`). Headers that only say which relay or mailbox carried the message
 * (Received, To, Date, Message-ID, X-MS-*, Authentication-Results) are never read: they
 * describe the route, not the content, and in the corpus they give the source away.
 * Tokens are a set (each counts once per message): binarised naive Bayes is steadier on
 * short texts than raw counts. Every token carries a `kind:` prefix, so none can be mistaken
 * for an Object property such as `constructor` or `__proto__`.
 */
const MAX_TOKENS = 1500;
/** characters of body text tokenised: the opening of a message says what it is */
const MAX_TEXT = 64 * 1024;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'$%.-]{1,30}/gu;

export function tokenize(message: ParsedMessage): string[] {
  const tokens = new Set<string>();
  const add = (token: string) => {
    if (tokens.size < MAX_TOKENS) tokens.add(token);
  };
  for (const word of words(message.subject)) add(`s:${word}`);
  if (message.from) {
    for (const word of words(message.from.name)) add(`f:${word}`);
    add(`fd:${getDomain(message.from.domain) ?? message.from.domain}`);
  }
  const headerFacts: [string, string][] = [
    ['x-mailer', 'xm'],
    ['user-agent', 'ua'],
    ['list-id', 'list'],
    ['list-unsubscribe', 'unsub'],
    ['precedence', 'prec'],
    ['mime-version', 'mime'],
    ['in-reply-to', 'reply'],
    ['references', 'refs'],
  ];
  for (const [header, short] of headerFacts) {
    const value = message.headers.get(header)?.[0];
    if (value === undefined) continue;
    add(`h:${short}`);
    if (short === 'xm' || short === 'ua' || short === 'prec') {
      add(`h:${short}:${value.toLowerCase().split(/[\s/(;]/)[0]?.slice(0, 20)}`);
    }
  }
  const contentType = message.headers.get('content-type')?.[0]?.split(';')[0]?.trim().toLowerCase();
  if (contentType) add(`ct:${contentType}`);
  for (const attachment of message.attachments) {
    add(`att:${attachment.contentType.toLowerCase()}`);
    const extension = /\.([a-z0-9]{1,6})$/i.exec(attachment.filename)?.[1];
    if (extension) add(`ext:${extension.toLowerCase()}`);
  }
  for (const link of message.links) {
    const host = hostOf(link.href);
    if (host) add(`u:${getDomain(host) ?? host}`);
    else add(`u:${link.href.split(':')[0]?.toLowerCase().slice(0, 10)}`);
  }
  add(`st:links:${bucket(message.links.length, [0, 1, 3, 10, 30])}`);
  add(`st:html:${message.html.length > 0 ? (message.text.length < 50 ? 'only-empty' : 'yes') : 'no'}`);
  add(`st:len:${bucket(message.text.length, [100, 500, 2000, 10000])}`);
  add(`st:caps:${bucket(capsRatio(message.subject), [0.2, 0.5, 0.8])}`);
  if (!message.hasMessageId) add('st:no-msgid');
  for (const fact of messageFacts(message)) add(fact);
  for (const word of words(message.text.slice(0, MAX_TEXT))) add(`w:${word}`);
  return [...tokens];
}

function* words(text: string): Generator<string> {
  for (const match of text.toLowerCase().matchAll(WORD)) {
    let word = match[0];
    const last = word.charCodeAt(word.length - 1);
    if (last === 46 || last === 39 || last === 45) word = word.replace(/[.'-]+$/, '');
    if (DIGITS.test(word)) yield `#n${Math.min(word.length, 6)}`;
    else if (word.length >= 2 && word.length <= 24) yield word;
  }
}

const DIGITS = /^\d+$/;

export function hostOf(href: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]+)/i.exec(href.trim());
  if (!match?.[1]) return undefined;
  const authority = match[1].replace(/^.*@/, '');
  const host = authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.split(':')[0];
  return host?.toLowerCase().replace(/\.$/, '') || undefined;
}

function bucket(value: number, edges: number[]): string {
  let index = 0;
  while (index < edges.length && value > (edges[index] ?? 0)) index++;
  return String(index);
}

function capsRatio(text: string): number {
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters.length < 8) return 0;
  return letters.replace(/[^\p{Lu}]/gu, '').length / letters.length;
}
