/**
 * Splits an RFC 5322 message into the headers that describe its body (Content-*) and the rest,
 * so the body can be wrapped as one MIME entity (for OpenPGP/MIME and S/MIME) while routing
 * headers stay outside.
 */
export interface SplitMessage {
  /** Outer header fields (unfolded lines kept as they were, CRLF-terminated). */
  outer: string[];
  /** The MIME entity: Content-* headers + body, CRLF line endings. */
  entity: Buffer;
  /** The full Content-Type value ('' when absent). */
  contentType: string;
}

export function splitMessage(raw: Buffer): SplitMessage {
  const text = raw.toString('latin1').replace(/\r?\n/g, '\r\n');
  const end = text.indexOf('\r\n\r\n');
  const head = end >= 0 ? text.slice(0, end) : text;
  const body = end >= 0 ? text.slice(end + 4) : '';
  const fields: string[] = [];
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1] += `\r\n${line}`;
    else if (line) fields.push(line);
  }
  const isContent = (field: string) => /^content-/i.test(field);
  const outer = fields.filter((f) => !isContent(f) && !/^mime-version:/i.test(f));
  let inner = fields.filter(isContent);
  const contentTypeField = inner.find((f) => /^content-type:/i.test(f));
  if (!contentTypeField) inner = ['Content-Type: text/plain; charset=us-ascii', ...inner];
  const contentType = contentTypeField ? contentTypeField.slice(contentTypeField.indexOf(':') + 1).replace(/\r\n[ \t]+/g, ' ').trim() : '';
  return { outer, entity: Buffer.from(`${inner.join('\r\n')}\r\n\r\n${body}`, 'latin1'), contentType };
}

/** Already end-to-end encrypted: PGP/MIME, S/MIME enveloped data, or an inline PGP message. */
export function isEncrypted(raw: Buffer): boolean {
  const { contentType, entity } = splitMessage(raw);
  if (/^multipart\/encrypted\b/i.test(contentType)) return true;
  if (/^application\/(x-)?pkcs7-mime\b/i.test(contentType) && !/smime-type\s*=\s*"?(signed-data|certs-only)/i.test(contentType)) return true;
  if (/^text\/plain\b/i.test(contentType) || contentType === '') {
    return /^-----BEGIN PGP MESSAGE-----\r?$/m.test(entity.subarray(0, 65_536).toString('latin1'));
  }
  return false;
}
