/** Bounds that keep a verdict within bounded time and memory whatever the input. */
export interface ContentLimits {
  /** bytes of a message that are parsed; the rest is not looked at (finding MESSAGE_TRUNCATED) */
  maxMessageBytes: number;
  /** multipart containers (boundaries) allowed before the body is not parsed (MIME_TOO_COMPLEX) */
  maxMultiparts: number;
  /** characters of HTML turned into text and searched for links */
  maxHtmlChars: number;
  /** characters of text given to the classifier */
  maxTextChars: number;
  /** links examined per message */
  maxLinks: number;
  /** attachments examined per message */
  maxAttachments: number;
  /** header fields kept */
  maxHeaders: number;
  /** wall-clock bound on MIME parsing */
  parseTimeoutMs: number;
}

export const DEFAULT_LIMITS: ContentLimits = {
  maxMessageBytes: 10 * 1024 * 1024,
  maxMultiparts: 64,
  maxHtmlChars: 512 * 1024,
  maxTextChars: 256 * 1024,
  maxLinks: 200,
  maxAttachments: 50,
  maxHeaders: 200,
  parseTimeoutMs: 5000,
};
