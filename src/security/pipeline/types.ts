import type { Alias } from '../../store/control/types.js';

/** The inbound stages, in the order a message passes them. */
export const PHASES = ['connect', 'helo', 'mail', 'rcpt', 'data', 'authentication', 'content', 'routing'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * What a check observed: `{check, result, detail}` (Haraka/mailauth style). Checks never decide;
 * the policy module turns findings into a verdict. `score` feeds the spam score, `data` carries
 * the facts a policy rule needs (e.g. the DMARC policy of the sender's domain).
 */
export interface Finding {
  check: string;
  result: string;
  /** Safe for logs and headers: never message content. */
  detail?: string;
  score?: number;
  data?: Readonly<Record<string, string>>;
}

export type Verdict =
  | { action: 'accept' }
  | { action: 'quarantine'; score: number }
  | { action: 'tempfail'; code: number; enhanced: string; text: string }
  | { action: 'reject'; code: number; enhanced: string; text: string };

/** A stage's decision: the verdict plus header lines (without CRLF) to prepend to the message. */
export interface Decision {
  verdict: Verdict;
  headers: string[];
  findings: Finding[];
}

export interface RecipientFacts {
  /** As given in RCPT TO. */
  address: string;
  /** The alias it reaches (set by the recipient check). */
  alias?: Alias;
  /** For a bounce to one of our SRS addresses: the original sender to relay it to. */
  srsReturn?: string;
}

export interface SessionFacts {
  id: string;
  remoteAddress: string;
  clientHostname: string;
  helo: string;
  secure: boolean;
  /** MAIL FROM; '' for the null sender; undefined before MAIL. */
  mailFrom?: string;
  recipients: RecipientFacts[];
}

export interface MessageFacts {
  raw: Buffer;
  /** Offset of the first body byte (after the blank line), or raw.length when there is none. */
  bodyOffset: number;
  /** Everything every check found so far, in stage order (the one record A-R, logs and scan read). */
  findings: Finding[];
  /** Results of the authentication stage that later steps (ARC sealing) need. */
  arc?: { authResults: string; cv: 'none' | 'pass' | 'fail' };
}

export interface StageInput {
  session: SessionFacts;
  /** Present in the rcpt phase. */
  recipient?: RecipientFacts;
  /** Present from the data phase on. */
  message?: MessageFacts;
}

export interface StageResult {
  findings?: Finding[];
  /** Header lines (no CRLF) to add to the message when it is accepted. */
  headers?: string[];
}

/** One check at one phase. Its dependencies come in through its factory, never as globals. */
export interface Stage {
  readonly name: string;
  readonly phase: Phase;
  run(input: StageInput): Promise<StageResult> | StageResult;
}
