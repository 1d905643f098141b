/** Builds small RFC 822 messages for content tests (CRLF, MIME where asked). */
export interface TestMessage {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string | null;
  text?: string;
  html?: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
  headers?: Record<string, string>;
}

export function buildMessage(m: TestMessage = {}): Buffer {
  const head = [
    `From: ${m.from ?? 'Alice Liddell <alice@wonderland.org>'}`,
    `To: ${m.to ?? 'bob@example.com'}`,
    `Subject: ${m.subject ?? 'Lunch on Friday'}`,
    'Date: Mon, 02 Nov 2026 10:00:00 +0000',
    ...(m.messageId === null ? [] : [`Message-ID: ${m.messageId ?? `<${Math.random().toString(36).slice(2)}@example.org>`}`]),
    'MIME-Version: 1.0',
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  const text = m.text ?? 'Hi Bob,\r\n\r\nshall we meet for lunch on Friday at noon?\r\n\r\nAlice\r\n';
  const parts: string[] = [];
  const boundary = 'b-sealmail-test';
  if (m.html !== undefined) {
    parts.push(`Content-Type: text/html; charset=utf-8\r\n\r\n${m.html}\r\n`);
  } else {
    parts.push(`Content-Type: text/plain; charset=utf-8\r\n\r\n${text}`);
  }
  for (const a of m.attachments ?? []) {
    const body = a.content.toString('base64').replace(/.{76}/g, '$&\r\n');
    parts.push(
      `Content-Type: ${a.contentType}; name="${a.filename}"\r\nContent-Disposition: attachment; filename="${a.filename}"\r\n` +
        `Content-Transfer-Encoding: base64\r\n\r\n${body}\r\n`,
    );
  }
  if (parts.length === 1) return Buffer.from(`${head.join('\r\n')}\r\n${parts[0]}`);
  const body = parts.map((p) => `--${boundary}\r\n${p}`).join('') + `--${boundary}--\r\n`;
  return Buffer.from(`${head.join('\r\n')}\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${body}`);
}
