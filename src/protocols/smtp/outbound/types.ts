/**
 * The contract between outbound delivery (issue: outbound) and its users: submission,
 * and the MX's forwarding, which relays in memory and answers its sender only after the
 * remote side has answered.
 */

export interface Envelope {
  /** Envelope sender (MAIL FROM); '' for bounces. */
  from: string;
  to: string[];
}

export interface RecipientResult {
  recipient: string;
  /** delivered: remote 2xx; deferred: 4xx, timeout, no TLS where required; failed: 5xx or no MX. */
  status: 'delivered' | 'deferred' | 'failed';
  /** The remote SMTP code, when there was one. */
  code?: number;
  enhanced?: string;
  /** The remote reply or our reason, safe to show to the sender. */
  response: string;
}

export interface OutboundClient {
  /**
   * Delivers now, without touching disk: groups recipients by domain, looks up MX (fallback A/AAAA)
   * through our resolver, uses STARTTLS, enforces MTA-STS and `require_tls`. One result per recipient.
   */
  deliver(envelope: Envelope, raw: Buffer): Promise<RecipientResult[]>;
}

export interface OutboundQueue {
  /** Persists the message encrypted and schedules delivery with retries; returns the queue id. */
  enqueue(envelope: Envelope, raw: Buffer): Promise<string>;
}

export interface DkimSigner {
  /**
   * Returns the message with DKIM-Signature headers prepended, one per active key of `domain`
   * (RSA-2048 and Ed25519). A domain without keys gets the message back unchanged.
   */
  sign(raw: Buffer, domain: string): Promise<Buffer>;
}
