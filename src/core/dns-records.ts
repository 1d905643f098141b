import { createHash } from 'node:crypto';

export interface DnsRecord {
  name: string;
  type: 'MX' | 'TXT' | 'CNAME';
  value: string;
  /** Why the record is there, for people reading the zone snippet. */
  purpose: string;
}

export interface ZoneInput {
  domain: string;
  /** The host name of this server: MX target and MTA-STS policy host. */
  mailHost: string;
  verificationToken: string;
  /** Extra records from other features (DKIM keys), appended as given. */
  extra?: DnsRecord[];
}

/** Our MTA-STS policy for a hosted domain (RFC 8461 §3.2). */
export function mtaStsPolicy(mailHost: string): string {
  return ['version: STSv1', 'mode: enforce', `mx: ${mailHost}`, 'max_age: 604800', ''].join('\r\n');
}

/** The policy id changes whenever the policy text does, as RFC 8461 requires. */
export function mtaStsPolicyId(mailHost: string): string {
  return createHash('sha256').update(mtaStsPolicy(mailHost)).digest('hex').slice(0, 20);
}

/** Every record a hosted domain publishes: MX, SPF, DMARC, MTA-STS, TLS-RPT, ownership proof (+ DKIM). */
export function zoneRecords(input: ZoneInput): DnsRecord[] {
  const { domain, mailHost } = input;
  return [
    { name: domain, type: 'MX', value: `10 ${mailHost}.`, purpose: 'mail for the domain comes here' },
    { name: domain, type: 'TXT', value: 'v=spf1 mx -all', purpose: 'SPF: only our MX sends for the domain' },
    ...(input.extra ?? []),
    {
      name: `_dmarc.${domain}`,
      type: 'TXT',
      value: `v=DMARC1; p=quarantine; adkim=s; aspf=s; rua=mailto:postmaster@${domain}`,
      purpose: 'DMARC policy',
    },
    {
      name: `_mta-sts.${domain}`,
      type: 'TXT',
      value: `v=STSv1; id=${mtaStsPolicyId(mailHost)}`,
      purpose: 'MTA-STS: senders must use TLS to reach us',
    },
    { name: `mta-sts.${domain}`, type: 'CNAME', value: `${mailHost}.`, purpose: 'serves the MTA-STS policy' },
    {
      name: `_smtp._tls.${domain}`,
      type: 'TXT',
      value: `v=TLSRPTv1; rua=mailto:postmaster@${domain}`,
      purpose: 'TLS-RPT: where senders report TLS failures',
    },
    {
      name: `_sealmail.${domain}`,
      type: 'TXT',
      value: input.verificationToken,
      purpose: 'proves you own the domain',
    },
  ];
}

/** Zone-file lines; TXT values are split into 255-byte strings. */
export function formatZone(records: DnsRecord[]): string {
  return records
    .map((r) => {
      const value = r.type === 'TXT' ? quoteTxt(r.value) : r.value;
      return `; ${r.purpose}\n${r.name}.\t3600\tIN\t${r.type}\t${value}`;
    })
    .join('\n');
}

function quoteTxt(value: string): string {
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += 255) chunks.push(`"${value.slice(i, i + 255)}"`);
  return chunks.join(' ');
}
