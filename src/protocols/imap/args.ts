/** Typed access to a command's tokens; every mismatch becomes a tagged BAD. */
import { decodeMailboxName } from './encode.js';
import type { Token } from './parser.js';

export class ImapError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export const bad = (message: string) => new ImapError('BAD', message);
export const no = (message: string, code?: string) => new ImapError('NO', message, code);

export class Args {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  get remaining(): number {
    return this.tokens.length - this.index;
  }

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  next(what: string): Token {
    const token = this.tokens[this.index++];
    if (!token) throw bad(`Missing ${what}`);
    return token;
  }

  atom(what: string): string {
    const token = this.next(what);
    if (token.type !== 'atom') throw bad(`Expected ${what}`);
    return token.value;
  }

  /** astring: atom or string, as UTF-8 text. */
  string(what: string): string {
    const token = this.next(what);
    if (token.type === 'atom') return token.value;
    if (token.type === 'string') return token.value.toString('utf8');
    throw bad(`Expected ${what}`);
  }

  bytes(what: string): Buffer {
    const token = this.next(what);
    if (token.type === 'string') return token.value;
    if (token.type === 'atom') return Buffer.from(token.value, 'latin1');
    throw bad(`Expected ${what}`);
  }

  /** A mailbox name: modified UTF-7 decoded, INBOX case-insensitive. */
  mailbox(): string {
    const raw = this.string('mailbox name');
    if (raw.toUpperCase() === 'INBOX') return 'INBOX';
    const name = decodeMailboxName(raw);
    if (name === undefined) throw bad('Invalid mailbox name (modified UTF-7)');
    if (name === '' || name.length > 512 || name.split('/').some((part) => part === '')) {
      throw no('Invalid mailbox name', 'CANNOT');
    }
    return /^inbox\//i.test(name) ? `INBOX${name.slice(5)}` : name;
  }

  number(what: string): number {
    const value = this.atom(what);
    if (!/^\d{1,19}$/.test(value)) throw bad(`Expected a number for ${what}`);
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw bad(`Number out of range for ${what}`);
    return number;
  }

  list(what: string): Token[] {
    const token = this.next(what);
    if (token.type !== 'list') throw bad(`Expected a list for ${what}`);
    return token.items;
  }

  optionalList(): Token[] | undefined {
    const token = this.peek();
    if (token?.type !== 'list') return undefined;
    this.index++;
    return token.items;
  }

  end(): void {
    if (this.index < this.tokens.length) throw bad('Too many arguments');
  }
}

export function tokenText(token: Token): string {
  if (token.type === 'atom') return token.value;
  if (token.type === 'string') return token.value.toString('utf8');
  throw bad('Expected a string');
}

/** System and keyword flags a client may set; anything else is BAD. */
export function parseFlags(tokens: Token[]): string[] {
  const flags: string[] = [];
  for (const token of tokens) {
    if (token.type !== 'atom') throw bad('Invalid flag');
    const flag = token.value;
    const system = /^\\(Seen|Answered|Flagged|Deleted|Draft)$/i.exec(flag);
    if (system) flags.push(`\\${(system[1] as string)[0]?.toUpperCase()}${(system[1] as string).slice(1).toLowerCase()}`);
    else if (/^[^\\()\]{%*"\s]{1,128}$/.test(flag)) flags.push(flag);
    else throw bad('Invalid flag');
  }
  return [...new Set(flags)];
}
