import { z } from 'zod';

/**
 * The single source of truth for every option and its default.
 * Sections mirror the subsystems they configure; unknown keys are errors everywhere.
 */
const port = (fallback: number, what: string) =>
  z.number().int().min(0).max(65535).default(fallback).describe(`${what} (0 disables the listener)`);

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+)(:\d{1,5})?$/, 'expected "host" or "host:port"');

/** A duration such as "500ms", "30s", "5m", "2h", "5d". */
export const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration such as "500ms", "30s", "5m", "2h" or "5d"');

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration string the schema accepted. */
export function durationMs(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new Error(`not a duration: ${value}`);
  return Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
}

export const portsSchema = z
  .strictObject({
    smtp: port(2525, 'inbound MX, STARTTLS'),
    submission: port(2587, 'submission, STARTTLS + AUTH'),
    submissions: port(2465, 'submission over implicit TLS'),
    imap: port(2143, 'IMAP, STARTTLS'),
    imaps: port(2993, 'IMAP over implicit TLS'),
    pop3: port(2110, 'POP3, STLS'),
    pop3s: port(2995, 'POP3 over implicit TLS'),
    https: port(8443, 'HTTPS: API, web UI, MTA-STS policy, /healthz'),
  })
  .prefault({});

const count = (fallback: number, what: string) => z.number().int().min(1).max(1_000_000).default(fallback).describe(what);
const seconds = (fallback: number, what: string) => z.number().int().min(1).max(31_536_000).default(fallback).describe(what);
const cidr = z
  .string()
  .regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'expected an IP address or CIDR such as "192.0.2.0/24"');

/** The abuse guard every listener consults: see src/security/guard/index.ts. */
export const guardSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('consult the guard at all (off only for lab setups)'),
    allow: z.array(cidr).default([]).describe('IPs/CIDRs never banned, limited or DNSBL-checked (your own networks)'),
    ban_ttl_s: seconds(3600, 'how long an automatic ban lasts'),
    ban_sync_ms: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(2000)
      .describe('how often the server picks up bans made with `sealmail ban` from the control store'),
    trap_ports: z
      .array(z.number().int().min(1).max(65535))
      .default([])
      .describe('ports nobody legitimate connects to: one connection bans the IP on every listener'),
    max_connections_per_ip: count(20, 'concurrent connections from one IP, per node'),
    auth: z
      .strictObject({
        ip_failures: count(30, 'failed logins from one IP per window before the IP is banned'),
        account_failures: count(10, 'failed logins for one account from one network (/24, /56) before it is locked there'),
        window_s: seconds(3600, 'window in which failed logins are counted'),
        lock_s: seconds(900, 'how long an account stays locked for the network that hammered it'),
        free_failures: z.number().int().min(0).max(1000).default(3).describe('failures before delays start'),
        delay_ms: z.number().int().min(0).max(60_000).default(500).describe('first delay; doubles with every further failure'),
        max_delay_ms: z.number().int().min(0).max(120_000).default(10_000).describe('upper bound of the growing delay'),
      })
      .prefault({}),
    recipients: z
      .strictObject({
        unknown_per_connection: count(10, 'unknown recipients in one connection before 421 and a ban'),
        unknown_per_ip: count(30, 'unknown recipients from one IP per window before a ban'),
        window_s: seconds(3600, 'window for unknown recipients per IP'),
      })
      .prefault({}),
    messages: z
      .strictObject({
        per_ip_per_hour: count(200, 'messages accepted from one IP per hour'),
        per_sender_domain_per_hour: count(1000, 'messages accepted per envelope sender domain per hour'),
      })
      .prefault({}),
    misuse: z
      .strictObject({
        threshold: count(3, 'protocol misuse events (TLS hello on a plain port, HTTP to SMTP) from one IP before a ban'),
        window_s: seconds(3600, 'window for misuse events'),
      })
      .prefault({}),
    dnsbl: z
      .strictObject({
        zones: z
          .array(z.string().regex(/^[a-z0-9.-]+$/i, 'expected a DNS zone such as "zen.example.org"'))
          .default([])
          .describe('DNSBL zones queried through the app resolver; empty = no DNSBL checks'),
        policy: z.enum(['reject', 'score']).default('reject').describe('reject = 554 at connect; score = only report a score'),
        score: z.number().min(0).max(100).default(5).describe('score added per listing when policy = "score"'),
        listeners: z
          .array(z.string())
          .default(['smtp'])
          .describe('listeners whose connections are checked (DNSBLs list senders, not mail users)'),
        cache_s: seconds(900, 'how long a DNSBL answer is cached'),
      })
      .prefault({}),
    reputation: z
      .strictObject({
        sending_ips: z
          .array(z.string().regex(/^[0-9a-fA-F:.]+$/, 'expected an IP address'))
          .default([])
          .describe('our own outbound IPs, checked by `sealmail reputation check` and /healthz'),
        check_every_s: seconds(3600, 'how often /healthz refreshes the reputation result'),
      })
      .prefault({}),
    nftables: z
      .strictObject({
        enabled: z.boolean().default(false).describe('also push bans into an nftables set (needs nft and CAP_NET_ADMIN)'),
        family: z.enum(['inet', 'ip', 'ip6']).default('inet').describe('nftables table family'),
        table: z.string().regex(/^[A-Za-z0-9_]+$/).default('sealmail').describe('nftables table name'),
        set4: z.string().regex(/^[A-Za-z0-9_]+$/).default('banned4').describe('set of type ipv4_addr with flags timeout'),
        set6: z.string().regex(/^[A-Za-z0-9_]+$/).default('banned6').describe('set of type ipv6_addr with flags timeout'),
      })
      .prefault({}),
  })
  .prefault({});

export const configSchema = z.strictObject({
  hostname: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, 'expected a DNS host name')
    .default('localhost')
    .describe('the name this server greets with and puts in its certificate'),
  bind: z.string().default('127.0.0.1').describe('address every listener binds to'),
  data_dir: z.string().default('./data').describe('where control.db, mailboxes, keys and certificates live'),
  ports: portsSchema,
  tls: z
    .strictObject({
      cert: z.string().optional().describe('PEM certificate chain file; absent = self-signed, generated at first start'),
      key: z.string().optional().describe('PEM private key file (reloaded on SIGHUP or file change)'),
    })
    .prefault({})
    .refine((t) => (t.cert === undefined) === (t.key === undefined), {
      message: 'tls.cert and tls.key must be given together',
    }),
  dns: z
    .strictObject({
      servers: z.array(hostPort).default([]).describe('resolvers as "host:port"; empty = the system resolvers'),
      timeout_ms: z.number().int().min(100).max(60_000).default(5000).describe('per-query timeout'),
      cache_max_ttl_s: z.number().int().min(0).max(86_400).default(3600).describe('upper bound on cached TTLs'),
    })
    .prefault({}),
  delivery: z
    .strictObject({
      port: z.number().int().min(1).max(65535).default(25).describe('TCP port of remote MX hosts'),
      require_tls: z
        .boolean()
        .default(false)
        .describe('never deliver in plain text: a remote MX without STARTTLS gets the message deferred'),
      retry_schedule: z
        .array(duration)
        .min(1)
        .default(['5m', '10m', '30m', '1h', '2h', '4h', '8h', '16h', '1d', '2d', '5d'])
        .describe('delays between delivery attempts ("500ms", "5m", "1d"); after the last one the message bounces'),
      concurrency: z.number().int().min(1).max(1000).default(20).describe('deliveries in flight at once'),
      concurrency_per_domain: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(2)
        .describe('deliveries in flight at once to one destination domain'),
      poll_interval: duration.default('5s').describe('how often the queue looks for messages that are due'),
      timeout: duration.default('60s').describe('connect, greeting and per-command timeout towards a remote MX'),
      ca_file: z
        .string()
        .optional()
        .describe('extra CA certificates (PEM) trusted for MTA-STS policy hosts and MX certificates, besides the system roots'),
      mta_sts_port: z
        .number()
        .int()
        .min(1)
        .max(65535)
        .default(443)
        .describe('HTTPS port MTA-STS policies are fetched from (RFC 8461 says 443; other values are for tests)'),
    })
    .prefault({}),
  submission: z
    .strictObject({
      max_message_bytes: z
        .number()
        .int()
        .min(1024)
        .max(200 * 1024 * 1024)
        .default(25 * 1024 * 1024)
        .describe('largest message accepted on submission'),
      sent_copy: z.boolean().default(true).describe("keep a copy in the sender's Sent folder when the alias has a mailbox"),
    })
    .prefault({}),
  dkim: z
    .strictObject({
      grace_days: z
        .number()
        .int()
        .min(0)
        .max(365)
        .default(7)
        .describe('how long a rotated-out DKIM key stays published (verifiers may still check old mail)'),
    })
    .prefault({}),
  mx: z
    .strictObject({
      max_message_bytes: z
        .number()
        .int()
        .min(1024)
        .max(1024 * 1024 * 1024)
        .default(50 * 1024 * 1024)
        .describe('largest message the MX accepts (SIZE); larger ones get 552 5.3.4'),
      max_recipients: z.number().int().min(1).max(1000).default(100).describe('RCPT TO per transaction (RFC 5321 minimum 100)'),
      max_header_bytes: z
        .number()
        .int()
        .min(1024)
        .max(10 * 1024 * 1024)
        .default(256 * 1024)
        .describe('largest header section of a message; larger ones get 552 5.3.4'),
      idle_timeout_ms: z.number().int().min(1000).max(3_600_000).default(300_000).describe('a client silent this long is cut off'),
      session_timeout_ms: z
        .number()
        .int()
        .min(1000)
        .max(24 * 3_600_000)
        .default(1_800_000)
        .describe('total time one SMTP session may last, however active'),
      max_clients: z.number().int().min(1).max(100_000).default(1000).describe('concurrent MX sessions'),
      dmarc_enforce: z.boolean().default(true).describe("honour the sender domain's DMARC p=reject / p=quarantine"),
    })
    .prefault({}),
  forwarding: z
    .strictObject({
      on_tempfail: z
        .enum(['defer', 'queue'])
        .default('defer')
        .describe(
          'destination down: "defer" answers 451 so the sender retries (nothing stored); "queue" accepts and keeps the message encrypted in the outbound queue',
        ),
      dmarc_rewrite: z
        .boolean()
        .default(true)
        .describe('when the destination rejects because of the sender domain DMARC policy, retry once with From rewritten to "Name via domain"'),
      srs_max_age_days: z.number().int().min(1).max(60).default(21).describe('how long a bounce to an SRS address is honoured'),
      dedup_ttl_s: z
        .number()
        .int()
        .min(60)
        .max(30 * 86_400)
        .default(5 * 86_400)
        .describe('how long a delivered (message id, recipient, body) is remembered so retries are not delivered twice'),
    })
    .prefault({}),
  database: z
    .strictObject({
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
        .optional()
        .describe('PostgreSQL URL for the control store; absent = encrypted SQLite in data_dir'),
    })
    .prefault({}),
  state: z
    .strictObject({
      redis: z
        .string()
        .regex(/^rediss?:\/\//, 'expected a redis:// URL')
        .optional()
        .describe('Redis URL for shared short-lived state; absent = in memory'),
      prefix: z
        .string()
        .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'expected letters, digits, ".", "_", ":" or "-"')
        .default('sealmail:')
        .describe('namespace for every Redis key, so several deployments can share one Redis'),
    })
    .prefault({}),
  guard: guardSchema,
  antivirus: z
    .strictObject({
      clamd: z
        .string()
        .optional()
        .describe('clamd socket path or tcp://host:port; absent = no antivirus scanning'),
      on_error: z
        .enum(['tempfail', 'accept'])
        .default('tempfail')
        .describe('when clamd is unreachable or fails: tempfail (451, fail closed) or accept unscanned'),
      timeout_ms: z.number().int().min(100).max(600_000).default(30_000).describe('per-attachment clamd timeout'),
    })
    .prefault({}),
  content: z
    .strictObject({
      junk_score: z.number().default(5).describe('score at or above which a message goes to Junk (X-Spam-Flag: YES)'),
      reject_score: z
        .number()
        .default(12)
        .describe('score at or above which a message is refused at DATA (554 5.7.1) and never forwarded'),
      points: z
        .record(z.string().regex(/^[A-Z_]+$/, 'expected a finding code like URL_SHORTENER'), z.number())
        .default({})
        .describe('points per finding code, overriding the built-in table (e.g. { URL_SHORTENER = 0 })'),
      protected_domains: z
        .array(z.string())
        .default([])
        .describe('domains to protect from lookalikes besides the hosted ones (e.g. your bank)'),
      bad_domains_file: z
        .string()
        .optional()
        .describe('file of known-bad domains, one per line; re-read when it changes, no restart needed'),
      model_file: z.string().optional().describe('spam model JSON; absent = the model shipped in models/'),
      max_message_bytes: z
        .number()
        .int()
        .min(1024)
        .default(10 * 1024 * 1024)
        .describe('bytes of a message that are parsed; the rest is not scanned'),
      max_multiparts: z.number().int().min(1).max(10_000).default(64).describe('multipart containers parsed per message'),
      max_html_chars: z.number().int().min(1024).default(512 * 1024).describe('characters of HTML read per message'),
      parse_timeout_ms: z.number().int().min(10).max(60_000).default(5000).describe('time bound on MIME parsing'),
    })
    .prefault({})
    .refine((c) => c.junk_score < c.reject_score, { message: 'content.junk_score must be below content.reject_score' }),
  logs: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info').describe('log level'),
      file: z.boolean().default(false).describe('also write daily log files under data_dir/logs'),
      retention_days: z.number().int().min(1).max(365).default(7).describe('log files older than this are deleted'),
    })
    .prefault({}),
  mailbox: z
    .strictObject({
      idle_ttl_s: z
        .number()
        .int()
        .min(0)
        .max(86_400)
        .default(300)
        .describe('how long a mailbox key stays in memory after its last session closes'),
      kdf_memory_kib: z
        .number()
        .int()
        .min(65_536)
        .max(4_194_304)
        .default(65_536)
        .describe('Argon2id memory cost (KiB) for new mailbox passwords; at least 64 MiB'),
      kdf_iterations: z.number().int().min(3).max(64).default(3).describe('Argon2id time cost for new mailbox passwords; at least 3'),
      quota_mb: z.number().int().min(1).max(10_485_760).default(1024).describe('storage quota of each new mailbox, in MiB'),
    })
    .prefault({}),
  web: z
    .strictObject({
      signup: z
        .enum(['open', 'invite', 'closed'])
        .default('invite')
        .describe('who may create an account: anyone, holders of an invitation, or nobody (the first account may always sign up and becomes admin)'),
      require_mfa: z.boolean().default(false).describe('every account must enrol a second factor (admins can also switch this on in the web UI)'),
      session_hours: z.number().int().min(1).max(720).default(12).describe('a session ends this long after login'),
      idle_minutes: z.number().int().min(5).max(10_080).default(60).describe('a session ends after this long without a request'),
      issuer: z.string().min(1).max(64).default('sealmail').describe('name shown in authenticator apps'),
    })
    .prefault({}),
  shutdown: z
    .strictObject({
      grace_ms: z.number().int().min(0).max(600_000).default(10_000).describe('how long open sessions may finish'),
    })
    .prefault({}),
  imap: z
    .strictObject({
      max_literal_bytes: z
        .number()
        .int()
        .min(1024)
        .max(1024 * 1024 * 1024)
        .default(64 * 1024 * 1024)
        .describe('largest literal (APPEND message) a client may announce; larger ones are refused before reading'),
      idle_timeout_s: z.number().int().min(60).max(86_400).default(1800).describe('autologout after this much inactivity'),
      max_connections: z.number().int().min(1).max(100_000).default(1000).describe('simultaneous IMAP connections per listener'),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
