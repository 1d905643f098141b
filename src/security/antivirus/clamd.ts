import { connect, type Socket } from 'node:net';
import type { Attachment, Finding } from '../content/types.js';

/**
 * A clamd client speaking INSTREAM (the file travels over the socket, so clamd needs no
 * access to our files): `zINSTREAM\0`, then chunks `<uint32 length><bytes>`, then a zero
 * length; clamd answers `stream: OK`, `stream: <signature> FOUND` or `... ERROR`.
 * Archives are unpacked by clamd itself within its own limits.
 */
export interface ClamdOptions {
  /** a unix socket path or tcp://host:port */
  address: string;
  timeoutMs: number;
}

export type ClamdResult = { status: 'clean' } | { status: 'infected'; signature: string } | { status: 'error'; reason: string };

const CHUNK = 64 * 1024;

export function scanBuffer(content: Buffer, options: ClamdOptions): Promise<ClamdResult> {
  return new Promise((resolve) => {
    let settled = false;
    const reply: Buffer[] = [];
    const socket = open(options.address);
    const finish = (result: ClamdResult) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(options.timeoutMs, () => finish({ status: 'error', reason: 'clamd timed out' }));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish({ status: 'error', reason: `clamd unreachable (${error.code ?? 'error'})` }),
    );
    socket.on('data', (data) => {
      reply.push(data);
      if (data.includes(0)) finish(parseReply(Buffer.concat(reply)));
    });
    socket.on('end', () => finish(parseReply(Buffer.concat(reply))));
    socket.on('connect', () => {
      socket.write('zINSTREAM\0');
      for (let offset = 0; offset < content.length; offset += CHUNK) {
        const chunk = content.subarray(offset, offset + CHUNK);
        const length = Buffer.alloc(4);
        length.writeUInt32BE(chunk.length);
        socket.write(length);
        socket.write(chunk);
      }
      socket.write(Buffer.alloc(4));
    });
  });
}

export function parseReply(reply: Buffer): ClamdResult {
  const text = reply.toString('utf8').replace(/\0/g, '').trim();
  if (/^stream: OK$/.test(text)) return { status: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(text);
  if (found?.[1]) return { status: 'infected', signature: found[1].slice(0, 200) };
  return { status: 'error', reason: text ? `clamd: ${text.slice(0, 200)}` : 'clamd closed the connection' };
}

function open(address: string): Socket {
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(address);
  if (tcp?.[1] && tcp[2]) return connect({ host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) });
  return connect({ path: address });
}

/** Scans every attachment (and the whole message when there is none: inline payloads). */
export async function antivirusFindings(
  attachments: readonly Attachment[],
  raw: Buffer,
  options: ClamdOptions,
): Promise<Finding[]> {
  const targets = attachments.length > 0 ? attachments.map((a) => ({ name: a.filename, content: a.content })) : [{ name: 'message', content: raw }];
  const findings: Finding[] = [];
  for (const target of targets) {
    const result = await scanBuffer(target.content, options);
    if (result.status === 'infected') {
      findings.push({ check: 'antivirus', result: 'FOUND', detail: `${result.signature} in ${target.name.slice(0, 100) || 'attachment'}` });
    } else if (result.status === 'error') {
      findings.push({ check: 'antivirus', result: 'ERROR', detail: result.reason });
      break;
    }
  }
  return findings;
}
