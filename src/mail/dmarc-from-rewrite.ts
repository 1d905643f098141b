import addressparser from 'nodemailer/lib/addressparser';
import { encodeWord } from 'nodemailer/lib/mime-funcs';
import { assembleMessage, fieldName, headerFields, splitMessage } from './header-section.js';

/**
 * The usual fix when a destination refuses forwarded mail because of the author domain's DMARC
 * policy: From becomes `"Name via author.domain" <our SRS address>` (aligned with our DKIM signature)
 * and Reply-To keeps the original author so replies still reach them.
 */
export function rewriteFromForDmarc(raw: Buffer, ourAddress: string): Buffer {
  const { header, body } = splitMessage(raw);
  const fields = headerFields(header);
  const fromField = fields.find((f) => fieldName(f) === 'from');
  const original = fromField ? fromField.slice(fromField.indexOf(':') + 1).replace(/\r\n/g, '').trim() : '';
  const author = original ? addressparser(original, { flatten: true })[0] : undefined;
  const authorDomain = author?.address.slice(author.address.lastIndexOf('@') + 1) || 'unknown sender';
  const name = `${author?.name || author?.address || 'unknown'} via ${authorDomain}`;
  const displayName = /^[\x20-\x7e]*$/.test(name)
    ? `"${name.replace(/["\\]/g, '\\$&')}"`
    : encodeWord(name, 'B', 52);
  const hasReplyTo = fields.some((f) => fieldName(f) === 'reply-to');
  const kept = fields.filter((f) => fieldName(f) !== 'from');
  const added = [`From: ${displayName} <${ourAddress}>`];
  if (!hasReplyTo && original) added.push(`Reply-To: ${original}`);
  return assembleMessage(added, kept, body);
}

/** Whether a remote rejection looks like a DMARC policy refusal (Gmail 5.7.26, Microsoft 5.7.509, plain text). */
export function isDmarcRejection(code: number | undefined, enhanced: string | undefined, text: string): boolean {
  if (code !== undefined && (code < 500 || code > 599)) return false;
  return enhanced === '5.7.26' || enhanced === '5.7.509' || /\bdmarc\b/i.test(text);
}
