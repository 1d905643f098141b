/** One check's structured result: what every check reports and the policy reads. */
export interface Finding {
  /** which check produced it: `spam`, `rules`, `phishing`, `antivirus`, `mime` */
  check: string;
  /** a stable code, e.g. `URL_HOMOGRAPH`, `EXECUTABLE_ATTACHMENT`, `FOUND`, `ERROR` */
  result: string;
  /** human detail; never message content beyond a domain, a file name or a signature name */
  detail?: string;
}

export interface Link {
  href: string;
  /** visible anchor text (empty for bare URLs found in text) */
  text: string;
}

export interface Attachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
}

/** What the checks see of a message: decoded, bounded, never the whole raw input twice. */
export interface ParsedMessage {
  /** lower-case header name → decoded values (only the first `maxHeaders` fields) */
  headers: Map<string, string[]>;
  from: { name: string; address: string; domain: string } | undefined;
  replyToDomain: string | undefined;
  recipients: string[];
  subject: string;
  /** plain text of all text parts plus the text of the HTML parts (capped) */
  text: string;
  /** the HTML body (capped) */
  html: string;
  links: Link[];
  attachments: Attachment[];
  hasMessageId: boolean;
  /** MIME problems found while parsing: limits hit, parse errors */
  problems: Finding[];
  /** an HTML body with a form asking for a password */
  credentialForm: boolean;
}

export type ContentAction = 'accept' | 'junk' | 'reject' | 'tempfail';
export type SpamLabel = 'ham' | 'spam' | 'phish';

export interface ContentVerdict {
  action: ContentAction;
  /** set for reject and tempfail: the SMTP reply the MX gives at DATA */
  reply?: { code: number; enhanced: string; text: string };
  spam: {
    score: number;
    label: SpamLabel;
    /** the global model's probabilities */
    probabilities: { ham: number; spam: number; phish: number };
  };
  phishing: Finding[];
  virus: Finding[];
  /** every finding with its points, for logs and X-Spam-Status */
  findings: (Finding & { points: number })[];
  /** X-Spam-* header fields to prepend */
  headers: [string, string][];
}
