/**
 * Coded errors in one place. `publicMessage` is all a client or a log may ever see;
 * `cause` stays private (never serialised by the logger or sent to a client).
 */
export class AppError extends Error {
  readonly code: string;
  readonly temporary: boolean;

  constructor(code: string, publicMessage: string, options: { cause?: unknown; temporary?: boolean } = {}) {
    super(publicMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.temporary = options.temporary ?? false;
  }

  get publicMessage(): string {
    return this.message;
  }
}

/** Bad input from a user or a client: exit code 2 on the CLI, 4xx on the API. */
export class UsageError extends AppError {
  constructor(publicMessage: string, options: { cause?: unknown } = {}) {
    super('usage', publicMessage, options);
  }
}

/** A configuration problem; the message names the key and the expected form. */
export class ConfigError extends AppError {
  constructor(publicMessage: string, options: { cause?: unknown } = {}) {
    super('config', publicMessage, options);
  }
}

export class NotFoundError extends AppError {
  constructor(publicMessage: string) {
    super('not_found', publicMessage);
  }
}

export class ConflictError extends AppError {
  constructor(publicMessage: string) {
    super('conflict', publicMessage);
  }
}

/** An SMTP reply carried as an error, turned into a protocol reply by the SMTP layer. */
export class SmtpReply extends AppError {
  readonly responseCode: number;
  readonly enhanced: string;

  constructor(responseCode: number, enhanced: string, publicMessage: string, options: { cause?: unknown } = {}) {
    super('smtp', publicMessage, { ...options, temporary: responseCode >= 400 && responseCode < 500 });
    this.responseCode = responseCode;
    this.enhanced = enhanced;
  }
}

/** The message safe to show for any thrown value: internal errors become a generic text. */
export function publicMessageOf(error: unknown): string {
  return error instanceof AppError ? error.publicMessage : 'internal error';
}
