import { generateKeyPairSync } from 'node:crypto';
import { startDnsServer, type TestDnsServer } from '../kit/dns-server.js';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from '../kit/smtp-sink.js';
import { startTestServer, type TestServer } from '../kit/server.js';
import { loadArcKey } from '../../src/mail/arc-seal.js';

export const HOSTNAME = 'mx.sealmail.test';
export const OUR_DOMAIN = 'fwd.test';

export interface SenderDomain {
  domain: string;
  selector: string;
  privateKey: string;
  publicKeyB64: string;
}

/** A sender domain with an RSA DKIM key published in the test zone. */
export function senderDomain(dns: TestDnsServer, domain: string, records: { spf?: string; dmarc?: string } = {}): SenderDomain {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const publicKeyB64 = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const selector = 's1';
  dns.txt(`${selector}._domainkey.${domain}`, `v=DKIM1; k=rsa; p=${publicKeyB64}`);
  if (records.spf) dns.txt(domain, records.spf);
  if (records.dmarc) dns.txt(`_dmarc.${domain}`, records.dmarc);
  return { domain, selector, privateKey, publicKeyB64 };
}

export interface MxFixture {
  dns: TestDnsServer;
  sink: SmtpSink;
  server: TestServer;
  port: number;
  close(): Promise<void>;
}

/**
 * DNS zone + remote MX sink (dest.test → 127.0.0.1:sink) + the real server with the MX listener,
 * our domain fwd.test, and its ARC key published under the server's host name.
 */
export async function startMxFixture(
  options: { config?: Record<string, unknown>; sink?: SmtpSinkOptions; listeners?: Array<'smtp' | 'https'> } = {},
): Promise<MxFixture> {
  const dns = await startDnsServer({
    'mx.dest.test': [{ type: 'A', address: '127.0.0.1' }],
    'dest.test': [{ type: 'MX', exchange: 'mx.dest.test', priority: 10 }],
    [OUR_DOMAIN]: [{ type: 'MX', exchange: HOSTNAME, priority: 10 }],
  });
  dns.txt(OUR_DOMAIN, 'v=spf1 ip4:127.0.0.1 -all');
  const sink = await startSmtpSink(options.sink);
  const server = await startTestServer({
    listeners: options.listeners ?? ['smtp'],
    config: {
      hostname: HOSTNAME,
      'dns.servers': [dns.server],
      'delivery.port': sink.port,
      ...options.config,
    },
  });
  const arcKey = loadArcKey(server.dataDir, server.server.context.masterKey, HOSTNAME);
  dns.txt(`arc._domainkey.${HOSTNAME}`, arcKey.dnsRecord);
  await server.server.context.control.domains.add(OUR_DOMAIN);
  return {
    dns,
    sink,
    server,
    port: server.ports.smtp!,
    async close() {
      await server.close();
      await sink.close();
      await dns.close();
    },
  };
}

/** Every message in one special-use folder of a mailbox on the fixture's server, as text. */
export async function readMailboxFolder(mx: MxFixture, address: string, password: string, use: '\\Inbox' | '\\Junk'): Promise<string[]> {
  const session = await mx.server.server.context.mailboxes.unlock(address, password);
  if (!session) throw new Error('mailbox did not unlock');
  try {
    const folder = await session.folderFor(use);
    const list = await session.list(folder);
    return Promise.all(list.map(async (m) => (await session.read(folder, m.uid)).toString()));
  } finally {
    await session.close();
  }
}
