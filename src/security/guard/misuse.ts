/** What a client sent that no honest client of this protocol sends. */
export type MisuseKind = 'tls_on_plain_port' | 'http_on_mail_port' | 'binary_garbage';

const HTTP_REQUEST = /^(GET|POST|HEAD|PUT|DELETE|OPTIONS|CONNECT|PATCH|TRACE) \S+ HTTP\/\d/;

/**
 * Classifies the first bytes a client sent on a plain-text mail port (SMTP, IMAP, POP3). A scanner
 * probing for HTTPS or HTTP shows itself here; listeners report it with `guard.onProtocolMisuse`.
 */
export function classifyFirstBytes(chunk: Buffer): MisuseKind | undefined {
  if (chunk.length === 0) return undefined;
  // TLS record: handshake (0x16), version 3.x: a ClientHello sent where a greeting was expected.
  if (chunk[0] === 0x16 && chunk[1] === 0x03) return 'tls_on_plain_port';
  // SSLv2-style hello some scanners still send.
  if (chunk.length > 2 && (chunk[0]! & 0x80) !== 0 && chunk[2] === 0x01) return 'tls_on_plain_port';
  const head = chunk.subarray(0, 64).toString('latin1');
  if (HTTP_REQUEST.test(head)) return 'http_on_mail_port';
  return undefined;
}

/** Classifies one command line a mail protocol could not parse (smtp-server's unknown-command path). */
export function classifyCommandLine(line: string): MisuseKind | undefined {
  if (HTTP_REQUEST.test(line)) return 'http_on_mail_port';
  if (/^(Host|User-Agent|Accept):/i.test(line)) return 'http_on_mail_port';
  return undefined;
}
