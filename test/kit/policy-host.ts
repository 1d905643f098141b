import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CertificateMaterial } from '../../src/net/tls.js';

export interface PolicyHost {
  readonly port: number;
  /** Sets (or with undefined removes) the policy served for `mta-sts.<domain>`. */
  set(domain: string, policy: string | undefined): void;
  /** How many times each policy host name was fetched. */
  readonly fetches: Map<string, number>;
  close(): Promise<void>;
}

/** A remote domain's MTA-STS policy web server: HTTPS, picks the policy by Host header. */
export async function startPolicyHost(certificate: CertificateMaterial): Promise<PolicyHost> {
  const policies = new Map<string, string>();
  const fetches = new Map<string, number>();
  const server = https.createServer({ ...certificate }, (request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    fetches.set(host, (fetches.get(host) ?? 0) + 1);
    const policy = policies.get(host);
    if (request.url !== '/.well-known/mta-sts.txt' || policy === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end(policy);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    fetches,
    set(domain, policy) {
      if (policy === undefined) policies.delete(`mta-sts.${domain}`);
      else policies.set(`mta-sts.${domain}`, policy);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An RFC 8461 policy text. */
export function policyText(mode: 'enforce' | 'testing' | 'none', mx: string[], maxAge = 86_400): string {
  return ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), `max_age: ${maxAge}`, ''].join('\r\n');
}
