import { createHmac, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Turns log records into something that cannot identify a person:
 * - IPs become the truncated network (/24, /48) plus a keyed HMAC whose key changes every UTC day;
 * - addresses become the domain plus an HMAC of the local part;
 * - secrets and message content are dropped whatever their key.
 * The daily keys live only in memory, so yesterday's tokens cannot be linked to today's.
 */
export class Anonymiser {
  private day = '';
  private key: Buffer = Buffer.alloc(0);

  constructor(private readonly clock: () => Date = () => new Date()) {}

  ip(ip: string): string {
    const bare = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
    const kind = isIP(bare);
    if (kind === 0) return '[not-an-ip]';
    return `${truncateNetwork(bare, kind)}#${this.token(`ip:${bare.toLowerCase()}`)}`;
  }

  address(address: string): string {
    const at = address.lastIndexOf('@');
    if (at < 0) return `#${this.token(`local:${address.toLowerCase()}`)}`;
    return `${this.token(`local:${address.slice(0, at).toLowerCase()}`)}@${address.slice(at + 1).toLowerCase()}`;
  }

  /** Replaces every IP and address found inside free text. */
  text(text: string): string {
    return text
      .replace(EMAIL_IN_TEXT, (match) => this.address(match))
      .replace(IPV4_IN_TEXT, (match) => this.ip(match))
      .replace(IPV6_IN_TEXT, (match) => (isIP(match) === 6 ? this.ip(match) : match));
  }

  /** A deep copy of a log record with every field anonymised by its name and content. */
  record(value: unknown, keyName = '', depth = 0): unknown {
    if (depth > 6) return '[deep]';
    if (SECRET_KEYS.test(keyName)) return '[redacted]';
    if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      if (IP_KEYS.test(keyName)) return this.ip(value);
      if (ADDRESS_KEYS.test(keyName)) return this.address(value);
      return this.text(value);
    }
    if (value instanceof Error) return errorSummary(value);
    if (Array.isArray(value)) return value.slice(0, 50).map((item) => this.record(item, keyName, depth + 1));
    if (typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.record(v, k, depth + 1);
      return out;
    }
    return String(value);
  }

  private token(input: string): string {
    const today = this.clock().toISOString().slice(0, 10);
    if (today !== this.day) {
      this.key.fill(0);
      this.key = randomBytes(32);
      this.day = today;
    }
    return createHmac('sha256', this.key).update(input).digest('base64url').slice(0, 12);
  }
}

const SECRET_KEYS =
  /^(pass(word|wd)?|secret|.*key|token|auth(orization)?|cookie|credentials?|subject|body|raw|text|html|content|message|headers?|attachments?)$/i;
const IP_KEYS = /^(ip|remote_?(ip|address)|client_?ip|address_?ip)$/i;
const ADDRESS_KEYS = /^(address|from|to|rcpt|recipient|sender|mail_?from|user(name)?|alias|forward(s|_to)?)$/i;
const EMAIL_IN_TEXT = /[A-Za-z0-9._%+!#$&'*/=?^`{|}~-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4_IN_TEXT = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const IPV6_IN_TEXT = /(?<![\w:])(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F:.]*(?![\w:])|::(?:[0-9a-fA-F]{1,4}:?){1,7}/g;

function truncateNetwork(ip: string, kind: number): string {
  if (kind === 4) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  const groups = expandIpv6(ip);
  return `${groups.slice(0, 3).join(':')}::/48`;
}

function expandIpv6(ip: string): string[] {
  const withoutV4 = ip.includes('.') ? ip.slice(0, ip.lastIndexOf(':') + 1) + '0:0' : ip;
  const [head = '', tail] = withoutV4.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** Errors are logged by class and code only: messages of foreign errors can carry anything. */
function errorSummary(error: Error): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  return { type: error.name, ...(typeof code === 'string' ? { code } : {}) };
}
