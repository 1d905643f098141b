import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { domainOf } from './envelope.js';
import type { DnsResolver } from '../../../dns/resolver.js';
import type { Logger } from '../../../log/logger.js';
import { TLS_POLICY } from '../../../net/tls.js';
import { MtaStsResolver, type MtaStsPolicy } from './mta-sts.js';
import { resolveMxRoute } from './mx.js';
import type { Envelope, OutboundClient, RecipientResult } from './types.js';

export interface SmtpOutboundClientOptions {
  dns: DnsResolver;
  log: Logger;
  mtaSts: MtaStsResolver;
  /** Our name in EHLO. */
  hostname: string;
  /** Remote MX port (25; tests point it at a local sink). */
  port: number;
  requireTls: boolean;
  /** Trusted roots for MX certificates under an MTA-STS policy. */
  ca: string[];
  timeoutMs: number;
}

/** How one connection must treat TLS. */
type TlsMode = 'validated' | 'required' | 'opportunistic';

type Attempt =
  | { kind: 'answered'; results: RecipientResult[] }
  | { kind: 'unreachable'; reason: string; tls: boolean };

/**
 * Delivers straight to the recipients' MX hosts, in memory: MX (or A/AAAA) in preference order,
 * STARTTLS, MTA-STS (enforce: only policy MX hosts with a valid certificate; testing: deliver and
 * report) and the global `require_tls`.
 */
export class SmtpOutboundClient implements OutboundClient {
  constructor(private readonly options: SmtpOutboundClientOptions) {}

  async deliver(envelope: Envelope, raw: Buffer): Promise<RecipientResult[]> {
    const byDomain = new Map<string, string[]>();
    for (const rcpt of envelope.to) {
      const domain = domainOf(rcpt);
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), rcpt]);
    }
    const results = await Promise.all(
      [...byDomain].map(([domain, recipients]) => this.deliverToDomain(domain, envelope.from, recipients, raw)),
    );
    return results.flat();
  }

  private async deliverToDomain(domain: string, from: string, recipients: string[], raw: Buffer): Promise<RecipientResult[]> {
    const all = (status: RecipientResult['status'], response: string, code?: number, enhanced?: string) =>
      recipients.map((recipient) => ({ recipient, status, response, ...(code ? { code } : {}), ...(enhanced ? { enhanced } : {}) }));
    const { log } = this.options;
    const route = await resolveMxRoute(this.options.dns, domain);
    if (route.kind === 'none') return all('failed', route.reason, 550, '5.1.2');
    if (route.kind === 'temporary') return all('deferred', route.reason);

    const policy = await this.options.mtaSts.policyFor(domain);
    const enforce = policy?.mode === 'enforce';
    let lastReason = 'no MX host could be reached';
    for (const host of route.hosts) {
      if (policy && policy.mode !== 'none' && !MtaStsResolver.matches(host, policy)) {
        if (enforce) {
          log.warn({ domain, mx: host, policy: 'enforce' }, 'mta-sts: MX not in policy, skipped');
          lastReason = 'no MX host matches the MTA-STS policy';
          continue;
        }
        log.warn({ domain, mx: host, policy: 'testing' }, 'mta-sts testing: MX not in policy (would be skipped under enforce)');
      }
      let addresses: string[];
      try {
        addresses = await this.options.dns.addresses(host);
      } catch {
        lastReason = 'MX host has no address';
        continue;
      }
      for (const address of addresses) {
        const attempt = await this.attemptWithPolicy(policy, host, address, from, recipients, raw);
        if (attempt.kind === 'answered') return attempt.results;
        lastReason = attempt.reason;
      }
    }
    return all('deferred', lastReason);
  }

  private async attemptWithPolicy(
    policy: MtaStsPolicy | undefined,
    host: string,
    address: string,
    from: string,
    recipients: string[],
    raw: Buffer,
  ): Promise<Attempt> {
    const { log } = this.options;
    const fallback: TlsMode = this.options.requireTls ? 'required' : 'opportunistic';
    if (policy?.mode === 'enforce') {
      const attempt = await this.attempt('validated', host, address, from, recipients, raw);
      if (attempt.kind === 'unreachable' && attempt.tls) {
        log.warn({ domain: domainOf(recipients[0] as string), mx: host, policy: 'enforce' }, 'mta-sts: no valid TLS, not delivered');
        return { ...attempt, reason: 'MTA-STS policy requires TLS with a valid certificate' };
      }
      return attempt;
    }
    if (policy?.mode === 'testing') {
      const attempt = await this.attempt('validated', host, address, from, recipients, raw);
      if (!(attempt.kind === 'unreachable' && attempt.tls)) return attempt;
      log.warn(
        { domain: domainOf(recipients[0] as string), mx: host, policy: 'testing' },
        'mta-sts testing: no valid TLS (would be refused under enforce); delivering anyway',
      );
    }
    return this.attempt(fallback, host, address, from, recipients, raw);
  }

  private attempt(mode: TlsMode, host: string, address: string, from: string, recipients: string[], raw: Buffer): Promise<Attempt> {
    const { timeoutMs } = this.options;
    const connection = new SMTPConnection({
      host: address,
      port: this.options.port,
      name: this.options.hostname,
      requireTLS: mode !== 'opportunistic',
      opportunisticTLS: mode === 'opportunistic',
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      logger: false,
      tls: {
        ...TLS_POLICY,
        servername: host,
        rejectUnauthorized: mode === 'validated',
        ...(mode === 'validated' ? { ca: this.options.ca } : {}),
      },
    });
    return new Promise<Attempt>((resolve) => {
      let settled = false;
      const finish = (attempt: Attempt) => {
        if (settled) return;
        settled = true;
        connection.close();
        resolve(attempt);
      };
      connection.on('error', (error: Error & { code?: string }) => finish(unreachable(error)));
      connection.connect((error) => {
        if (error) return finish(unreachable(error));
        connection.send({ from, to: recipients, size: raw.length }, raw, (sendError, info) => {
          if (sendError) {
            const e = sendError as Error & { code?: string; responseCode?: number; response?: string; rejectedErrors?: unknown[] };
            if (!e.responseCode) return finish(unreachable(e));
            const status = e.responseCode >= 500 ? 'failed' : 'deferred';
            return finish({ kind: 'answered', results: recipients.map((r) => toResult(r, status, e.responseCode, e.response)) });
          }
          const rejected = new Map(
            (info?.rejectedErrors ?? []).map((r) => {
              const err = r as Error & { recipient?: string; responseCode?: number; response?: string };
              return [err.recipient ?? '', err] as const;
            }),
          );
          const results = recipients.map((r) => {
            const rejection = rejected.get(r);
            if (rejection || info?.rejected.includes(r)) {
              const code = rejection?.responseCode ?? 550;
              return toResult(r, code >= 500 ? 'failed' : 'deferred', code, rejection?.response);
            }
            return toResult(r, 'delivered', 250, info?.response);
          });
          finish({ kind: 'answered', results });
        });
      });
    });
  }
}

function unreachable(error: Error & { code?: string }): Attempt {
  const tls = error.code === 'ETLS' || /tls|certificate|self.signed|altname|starttls/i.test(error.message);
  return { kind: 'unreachable', tls, reason: tls ? 'TLS could not be established' : 'connection failed' };
}

function toResult(recipient: string, status: RecipientResult['status'], code?: number, response?: string): RecipientResult {
  const text = (response ?? '').replace(/[\r\n]+/g, ' ').slice(0, 300);
  const enhanced = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1];
  return { recipient, status, ...(code ? { code } : {}), ...(enhanced ? { enhanced } : {}), response: text || `${code ?? ''}`.trim() };
}
