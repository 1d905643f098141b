import { randomBytes } from 'node:crypto';
import type { RecipientResult } from './types.js';

export interface BounceInput {
  /** Our host name: Reporting-MTA and the MAILER-DAEMON address. */
  hostname: string;
  /** The original envelope sender, who gets the report. */
  sender: string;
  failed: RecipientResult[];
  /** The original message; only its header section is returned (RFC 3462 text/rfc822-headers). */
  original: Buffer;
  arrivalDate: Date;
  now?: Date;
}

/** A delivery status notification (RFC 3464) in a multipart/report (RFC 6522). */
export function buildBounce(input: BounceInput): Buffer {
  const now = input.now ?? new Date();
  const boundary = `sealmail-dsn-${randomBytes(12).toString('hex')}`;
  const headerEnd = input.original.indexOf('\r\n\r\n');
  const headers = (headerEnd >= 0 ? input.original.subarray(0, headerEnd) : input.original).toString('utf8');
  const safe = (text: string) => text.replace(/[\r\n]+/g, ' ').slice(0, 500);
  const perRecipient = input.failed.map((r) =>
    [
      `Final-Recipient: rfc822; ${r.recipient}`,
      'Action: failed',
      `Status: ${r.enhanced ?? (r.status === 'failed' ? '5.0.0' : '4.4.7')}`,
      ...(r.code ? [`Diagnostic-Code: smtp; ${safe(r.response)}`] : []),
      `Last-Attempt-Date: ${now.toUTCString()}`,
    ].join('\r\n'),
  );
  const human = [
    'Your message could not be delivered to the following recipients:',
    '',
    ...input.failed.map((r) => `  ${r.recipient}: ${safe(r.response)}`),
    '',
    'The headers of your message are attached.',
  ].join('\r\n');
  const lines = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.hostname}>`,
    `To: <${input.sender}>`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(16).toString('hex')}@${input.hostname}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    human,
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${input.hostname}`,
    `Arrival-Date: ${input.arrivalDate.toUTCString()}`,
    '',
    perRecipient.join('\r\n\r\n'),
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    headers.replace(/\r?\n/g, '\r\n'),
    '',
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
