import dns2 from 'dns2';

// dns2's typings lag its runtime (RCODE, request/response shapes): typed loosely here, on purpose.
// biome-ignore lint/suspicious/noExplicitAny: see above
const Packet = dns2.Packet as any;
// biome-ignore lint/suspicious/noExplicitAny: see above
type Message = any;

export type TestRecord =
  | { type: 'A' | 'AAAA'; address: string }
  | { type: 'TXT'; data: string | string[] }
  | { type: 'MX'; exchange: string; priority: number }
  | { type: 'CNAME' | 'PTR'; domain: string };

export interface TestDnsServer {
  /** "127.0.0.1:port", for `[dns] servers`. */
  readonly server: string;
  readonly port: number;
  /** Replaces the records of one name and type (an empty list removes them). */
  set(name: string, records: TestRecord[]): void;
  /** Adds a TXT record, splitting it into 255-byte strings like a real zone. */
  txt(name: string, value: string): void;
  close(): Promise<void>;
}

/**
 * A real DNS server on loopback (UDP and TCP on one port) that answers from the records a test
 * declares; names it does not know get NXDOMAIN. The server under test reaches it through its
 * normal resolver, configured with `[dns] servers`.
 */
export async function startDnsServer(initial: Record<string, TestRecord[]> = {}): Promise<TestDnsServer> {
  const zone = new Map<string, TestRecord[]>();
  const key = (name: string) => name.toLowerCase().replace(/\.$/, '');
  const set = (name: string, records: TestRecord[]) => {
    const others = (zone.get(key(name)) ?? []).filter((r) => !records.some((n) => n.type === r.type));
    zone.set(key(name), [...others, ...records]);
  };
  for (const [name, records] of Object.entries(initial)) set(name, records);

  const handle = (request: Message, send: (response: Message) => void) => {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    if (!question) return send(response);
    const records = zone.get(key(question.name));
    const typeName = Object.entries(Packet.TYPE as Record<string, number>).find(([, v]) => v === question.type)?.[0];
    if (!records) {
      response.header.rcode = Packet.RCODE.NXDOMAIN;
      return send(response);
    }
    for (const record of records.filter((r) => r.type === typeName || r.type === 'CNAME')) {
      response.answers.push({ ...record, name: question.name, type: Packet.TYPE[record.type], class: Packet.CLASS.IN, ttl: 60 });
    }
    send(response);
  };

  const udp = dns2.createServer({ udp: true, handle } as never);
  const udpAddresses = await udp.listen({ udp: { port: 0, address: '127.0.0.1', type: 'udp4' } } as never);
  const port = (udpAddresses as { udp: { port: number } }).udp.port;
  const tcp = dns2.createServer({ tcp: true, handle } as never);
  await tcp.listen({ tcp: { port, address: '127.0.0.1' } });

  return {
    server: `127.0.0.1:${port}`,
    port,
    set,
    txt(name, value) {
      const chunks: string[] = [];
      for (let i = 0; i < value.length; i += 255) chunks.push(value.slice(i, i + 255));
      set(name, [{ type: 'TXT', data: chunks }]);
    },
    async close() {
      await Promise.all([udp.close(), tcp.close()]);
    },
  };
}
