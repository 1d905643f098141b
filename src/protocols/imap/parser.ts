/**
 * The IMAP command parser: a pure function of (bytes, limits) → command | need-more | parse-error.
 * No socket, no state beyond its arguments, so it can be table-tested and fuzzed on its own.
 *
 * Literals (`{n}` synchronising, `{n+}` LITERAL+) are resolved here: a literal larger than the
 * limit is refused from its announcement, before any of its bytes are read.
 */

export type Token =
  | { type: 'atom'; value: string }
  | { type: 'string'; value: Buffer; literal: boolean }
  | { type: 'list'; items: Token[] }
  | { type: 'nil' };

export interface Command {
  tag: string;
  /** Upper-cased command name (`UID` commands keep `UID`; the next token names the sub-command). */
  name: string;
  args: Token[];
}

export interface ParseLimits {
  /** Largest literal a client may announce. */
  maxLiteral: number;
  /** Longest command line (excluding literal data). */
  maxLine: number;
  /** Deepest parenthesised list. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: ParseLimits = { maxLiteral: 64 * 1024 * 1024, maxLine: 64 * 1024, maxDepth: 16 };

export type ParseResult =
  | { kind: 'command'; command: Command; consumed: number }
  /**
   * More bytes are needed. `continuation` is set when the client waits for "+" before sending a
   * synchronising literal; `needBytes` is a lower bound of the buffer length worth retrying at.
   */
  | { kind: 'need-more'; continuation: boolean; needBytes: number }
  /**
   * The command cannot be parsed. `consumed` bytes are discarded; `fatal` means the stream cannot
   * be resynchronised (e.g. a non-synchronising literal we refused is coming anyway).
   */
  | { kind: 'error'; tag: string; message: string; consumed: number; fatal: boolean };

class NeedMore {
  constructor(
    readonly continuation: boolean,
    readonly needBytes: number,
  ) {}
}

class Failure {
  constructor(
    readonly message: string,
    readonly fatal = false,
  ) {}
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const ATOM_STOP = new Set([SP, CR, LF, 0x28, 0x29, 0x7b, 0x22]); // SP CR LF ( ) { "

/** Parses one command from the start of `buffer`. */
export function parseCommand(buffer: Buffer, limits: ParseLimits = DEFAULT_LIMITS): ParseResult {
  const lineEnd = buffer.indexOf(LF);
  if (lineEnd < 0 && buffer.length > limits.maxLine) {
    return { kind: 'error', tag: '*', message: 'Command line too long', consumed: buffer.length, fatal: true };
  }
  if (lineEnd < 0) return { kind: 'need-more', continuation: false, needBytes: buffer.length + 1 };
  const reader = new Reader(buffer, limits);
  let tag = '*';
  try {
    tag = reader.tag();
    reader.expect(SP, 'Missing command');
    const name = reader.atom().toUpperCase();
    const args: Token[] = [];
    while (reader.peek() === SP) {
      reader.pos++;
      args.push(reader.token(0));
    }
    reader.crlf();
    return { kind: 'command', command: { tag, name, args }, consumed: reader.pos };
  } catch (error) {
    if (error instanceof NeedMore) return { kind: 'need-more', continuation: error.continuation, needBytes: error.needBytes };
    if (error instanceof Failure) {
      // Discard through the end of the line where the problem sits (its literal was never accepted).
      const end = buffer.indexOf(LF, Math.min(reader.pos, buffer.length - 1));
      const consumed = end < 0 ? buffer.length : end + 1;
      return { kind: 'error', tag: isValidTag(tag) ? tag : '*', message: error.message, consumed, fatal: error.fatal };
    }
    throw error;
  }
}

/** Reads one CRLF-terminated line (AUTHENTICATE responses, IDLE's DONE); undefined until complete. */
export function readLine(buffer: Buffer, maxLine: number): { line: string; consumed: number } | 'too-long' | undefined {
  const end = buffer.indexOf(LF);
  if (end < 0) return buffer.length > maxLine ? 'too-long' : undefined;
  const line = buffer.subarray(0, end).toString('latin1').replace(/\r$/, '');
  return { line, consumed: end + 1 };
}

function isValidTag(tag: string): boolean {
  return /^[\x21-\x7e]+$/.test(tag) && !/[(){%*"\\+]/.test(tag);
}

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly limits: ParseLimits,
  ) {}

  peek(): number | undefined {
    if (this.pos >= this.buf.length) throw new NeedMore(false, this.pos + 1);
    return this.buf[this.pos];
  }

  expect(byte: number, message: string): void {
    if (this.peek() !== byte) throw new Failure(message);
    this.pos++;
  }

  crlf(): void {
    if (this.peek() === CR) this.pos++;
    if (this.peek() !== LF) throw new Failure('Expected end of command');
    this.pos++;
  }

  tag(): string {
    const start = this.pos;
    while (this.pos < this.buf.length && !ATOM_STOP.has(this.buf[this.pos] as number)) this.pos++;
    const tag = this.buf.subarray(start, this.pos).toString('latin1');
    if (!tag || !isValidTag(tag)) throw new Failure('Invalid tag');
    return tag;
  }

  /**
   * An atom, extended the way IMAP uses it: `BODY[HEADER.FIELDS (A B)]<0.10>` is one token, the
   * bracketed section (which may hold spaces and a list) included.
   */
  atom(): string {
    const start = this.pos;
    let brackets = 0;
    for (;;) {
      const byte = this.peek() as number;
      if (byte === 0x5b) brackets++;
      else if (byte === 0x5d) brackets--;
      if (brackets < 0) throw new Failure('Unbalanced brackets');
      if (brackets === 0 && ATOM_STOP.has(byte)) break;
      if (byte === CR || byte === LF || byte < 0x20 || byte > 0x7e) {
        if (brackets > 0) throw new Failure('Unterminated section');
        break;
      }
      this.pos++;
      if (this.pos - start > this.limits.maxLine) throw new Failure('Atom too long', true);
    }
    if (this.pos === start) throw new Failure('Expected an atom');
    return this.buf.subarray(start, this.pos).toString('latin1');
  }

  token(depth: number): Token {
    const byte = this.peek();
    if (byte === 0x28) return this.list(depth + 1);
    if (byte === 0x22) return this.quoted();
    if (byte === 0x7b) return this.literal();
    if (byte === 0x29) throw new Failure('Unexpected )');
    const value = this.atom();
    return value.toUpperCase() === 'NIL' ? { type: 'nil' } : { type: 'atom', value };
  }

  list(depth: number): Token {
    if (depth > this.limits.maxDepth) throw new Failure('Lists nested too deeply');
    this.pos++; // (
    const items: Token[] = [];
    for (;;) {
      const byte = this.peek();
      if (byte === 0x29) {
        this.pos++;
        return { type: 'list', items };
      }
      if (items.length > 0) {
        if (byte !== SP) throw new Failure('Expected space or ) in list');
        this.pos++;
      }
      items.push(this.token(depth));
    }
  }

  quoted(): Token {
    this.pos++; // "
    const bytes: number[] = [];
    for (;;) {
      const byte = this.peek() as number;
      this.pos++;
      if (byte === 0x22) return { type: 'string', value: Buffer.from(bytes), literal: false };
      if (byte === CR || byte === LF) throw new Failure('Unterminated quoted string');
      if (byte === 0x5c) {
        const escaped = this.peek() as number;
        if (escaped !== 0x22 && escaped !== 0x5c) throw new Failure('Invalid escape in quoted string');
        this.pos++;
        bytes.push(escaped);
      } else {
        bytes.push(byte);
      }
      if (bytes.length > this.limits.maxLine) throw new Failure('Quoted string too long');
    }
  }

  literal(): Token {
    const match = /^\{(~?)(\d{1,20})(\+?)\}\r?\n/.exec(
      this.buf.subarray(this.pos, Math.min(this.buf.length, this.pos + 30)).toString('latin1'),
    );
    if (!match) {
      // A complete "{…}" followed by something other than CRLF is malformed; otherwise wait.
      const close = this.buf.indexOf(0x7d, this.pos);
      if (close >= 0 || this.buf.indexOf(LF, this.pos) >= 0) throw new Failure('Malformed literal');
      throw new NeedMore(false, this.buf.length + 1);
    }
    const size = Number(match[2]);
    const nonSync = match[3] === '+';
    if (!Number.isSafeInteger(size) || size > this.limits.maxLiteral) {
      // A synchronising literal was never sent; a LITERAL+ one is on its way and cannot be skipped safely.
      throw new Failure(`Literal too large (limit ${this.limits.maxLiteral} bytes)`, nonSync);
    }
    const dataStart = this.pos + match[0].length;
    if (this.buf.length < dataStart + size) {
      // The client waits for "+" only if nothing of the literal has arrived yet.
      throw new NeedMore(!nonSync && this.buf.length === dataStart, dataStart + size);
    }
    this.pos = dataStart + size;
    return { type: 'string', value: Buffer.from(this.buf.subarray(dataStart, dataStart + size)), literal: true };
  }
}
