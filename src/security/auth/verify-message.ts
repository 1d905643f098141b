import { authenticate } from 'mailauth';
import type { Finding } from '../pipeline/types.js';

export type Resolve = (name: string, type: string) => Promise<unknown>;

export interface VerifyInput {
  raw: Buffer;
  ip: string;
  helo: string;
  /** MAIL FROM; '' for the null sender (then SPF checks postmaster@helo, RFC 7208 §2.4). */
  mailFrom: string;
  hostname: string;
  resolve: Resolve;
}

export interface VerifyOutcome {
  findings: Finding[];
  /** Received-SPF and Authentication-Results fields (may be folded, no final CRLF). */
  headers: string[];
  arc?: { authResults: string; cv: 'none' | 'pass' | 'fail' };
}

/** SPF, DKIM, DMARC and ARC via mailauth, every lookup through our resolver. */
export async function verifyMessage(input: VerifyInput): Promise<VerifyOutcome> {
  const sender = input.mailFrom || `postmaster@${input.helo}`;
  const result = await authenticate(input.raw, {
    ip: input.ip,
    helo: input.helo,
    sender,
    mta: input.hostname,
    resolver: input.resolve as never,
    disableBimi: true,
  });
  const findings: Finding[] = [];
  const spf = result.spf ? result.spf.status.result : 'none';
  findings.push({ check: 'spf', result: spf, detail: result.spf ? `smtp.mailfrom=${domainOf(sender)}` : undefined });
  const dkimResults = result.dkim?.results ?? [];
  const passing = dkimResults.filter((r) => r.status.result === 'pass');
  findings.push({
    check: 'dkim',
    result: passing.length ? 'pass' : (dkimResults[0]?.status.result ?? 'none'),
    detail: passing.map((r) => `d=${r.signingDomain}`).join(' ') || undefined,
  });
  const dmarc = result.dmarc || undefined;
  if (dmarc) {
    findings.push({
      check: 'dmarc',
      result: dmarc.status.result,
      detail: dmarc.domain ? `header.from=${dmarc.domain}` : undefined,
      data: { policy: String(dmarc.policy ?? 'none') },
    });
  }
  const arc = result.arc || undefined;
  const arcResult = (arc?.status.result ?? 'none') as string;
  findings.push({ check: 'arc', result: arcResult });
  return {
    findings,
    headers: splitFields(result.headers),
    arc:
      arc?.authResults && (arcResult === 'none' || arcResult === 'pass' || arcResult === 'fail')
        ? { authResults: arc.authResults, cv: arcResult }
        : undefined,
  };
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** mailauth returns its fields as one CRLF-joined string with folded continuation lines. */
function splitFields(text: string): string[] {
  const fields: string[] = [];
  for (const line of text.split('\r\n')) {
    if (!line) continue;
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1] += `\r\n${line}`;
    else fields.push(line);
  }
  return fields;
}
