import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Sender Rewriting Scheme (SRS0/SRS1, Shevek's scheme as used by Postfix/postsrsd), so forwarded
 * mail passes SPF at the destination and bounces find their way back through us.
 *
 *   SRS0=HHHHHHHH=TT=orig.domain=orig-local@forwarding.domain
 *   SRS1=HHHHHHHH=first.hop.domain==HHHHHHHH=TT=orig.domain=orig-local@forwarding.domain
 *
 * HH… is a truncated HMAC-SHA256 (base32, case-insensitive because local parts get lower-cased on
 * the way), TT the day number mod 1024. Reversal checks the HMAC and the age.
 */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const HASH_CHARS = 8;
const DAY_MS = 86_400_000;
const TIMESTAMP_CYCLE = 1024;

export interface SrsOptions {
  /** HMAC key: deriveKey(master, 'srs'). */
  key: Buffer;
  maxAgeDays: number;
  now?: () => number;
}

export class Srs {
  private readonly now: () => number;

  constructor(private readonly options: SrsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The envelope sender to use when forwarding mail from `sender` out of `forwardingDomain`. */
  forward(sender: string, forwardingDomain: string): string {
    if (sender === '') return '';
    const at = sender.lastIndexOf('@');
    if (at <= 0) return sender;
    const local = sender.slice(0, at);
    const host = sender.slice(at + 1);
    const lower = local.toLowerCase();
    if (lower.startsWith('srs0=')) {
      // Already rewritten by one forwarder: record its domain, keep its opaque part (SRS1).
      const opaque = local.slice(5);
      return `SRS1=${this.hash(host, opaque)}=${host}==${opaque}@${forwardingDomain}`;
    }
    if (lower.startsWith('srs1=')) {
      const parts = local.slice(5).split('=');
      const firstHop = parts[1];
      const opaque = local.slice(5).split('==').slice(1).join('==');
      if (firstHop && opaque) return `SRS1=${this.hash(firstHop, opaque)}=${firstHop}==${opaque}@${forwardingDomain}`;
    }
    const timestamp = this.timestamp();
    return `SRS0=${this.hash(timestamp, host, local)}=${timestamp}=${host}=${local}@${forwardingDomain}`;
  }

  /** Whether a local part looks like SRS (case-insensitive). */
  static isSrs(address: string): boolean {
    return /^srs[01]=/i.test(address);
  }

  /** The address a bounce to `address` goes back to, or undefined when the hash or age does not check out. */
  reverse(address: string): string | undefined {
    const at = address.lastIndexOf('@');
    const local = at > 0 ? address.slice(0, at) : address;
    const tag = local.slice(0, 5).toLowerCase();
    const rest = local.slice(5);
    if (tag === 'srs0=') {
      const [hash, timestamp, host, ...localParts] = rest.split('=');
      const original = localParts.join('=');
      if (!hash || !timestamp || !host || !original) return undefined;
      if (!this.hashMatches(hash, this.hash(timestamp, host, original))) return undefined;
      if (!this.fresh(timestamp)) return undefined;
      return `${original}@${host}`;
    }
    if (tag === 'srs1=') {
      const separator = rest.indexOf('==');
      if (separator < 0) return undefined;
      const [hash, firstHop] = rest.slice(0, separator).split('=');
      const opaque = rest.slice(separator + 2);
      if (!hash || !firstHop || !opaque) return undefined;
      if (!this.hashMatches(hash, this.hash(firstHop, opaque))) return undefined;
      return `SRS0=${opaque}@${firstHop}`;
    }
    return undefined;
  }

  private timestamp(): string {
    const day = Math.floor(this.now() / DAY_MS) % TIMESTAMP_CYCLE;
    return BASE32[day >> 5]! + BASE32[day & 31]!;
  }

  private fresh(timestamp: string): boolean {
    const text = timestamp.toLowerCase();
    if (text.length !== 2) return false;
    const high = BASE32.indexOf(text[0]!);
    const low = BASE32.indexOf(text[1]!);
    if (high < 0 || low < 0) return false;
    const stamped = (high << 5) | low;
    const today = Math.floor(this.now() / DAY_MS) % TIMESTAMP_CYCLE;
    const age = (today - stamped + TIMESTAMP_CYCLE) % TIMESTAMP_CYCLE;
    return age <= this.options.maxAgeDays;
  }

  private hash(...parts: string[]): string {
    const mac = createHmac('sha256', this.options.key).update(parts.join('=').toLowerCase()).digest();
    let bits = 0;
    let value = 0;
    let out = '';
    for (const byte of mac) {
      value = (value << 8) | byte;
      bits += 8;
      while (bits >= 5 && out.length < HASH_CHARS) {
        out += BASE32[(value >>> (bits - 5)) & 31];
        bits -= 5;
      }
      if (out.length >= HASH_CHARS) break;
    }
    return out;
  }

  private hashMatches(given: string, expected: string): boolean {
    const a = Buffer.from(given.toLowerCase());
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
