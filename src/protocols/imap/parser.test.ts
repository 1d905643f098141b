import { describe, expect, it } from 'vitest';
import { type ParseResult, parseCommand, type Token } from './parser.js';

const LIMITS = { maxLiteral: 1000, maxLine: 200, maxDepth: 4 };
const parse = (text: string) => parseCommand(Buffer.from(text, 'latin1'), LIMITS);

/** Tokens as plain JSON for readable tables. */
function plain(token: Token): unknown {
  if (token.type === 'atom') return token.value;
  if (token.type === 'nil') return null;
  if (token.type === 'string') return { s: token.value.toString('latin1') };
  return token.items.map(plain);
}

function command(result: ParseResult): unknown {
  if (result.kind !== 'command') return result;
  return [result.command.tag, result.command.name, ...result.command.args.map(plain), result.consumed];
}

describe('parseCommand', () => {
  const table: Array<[string, unknown]> = [
    ['a1 NOOP\r\n', ['a1', 'NOOP', 9]],
    ['a1 noop\n', ['a1', 'NOOP', 8]],
    ['a2 LOGIN "us\\"er" {4}\r\npass\r\n', ['a2', 'LOGIN', { s: 'us"er' }, { s: 'pass' }, 29]],
    ['a3 LOGIN user {4+}\r\npass\r\n', ['a3', 'LOGIN', 'user', { s: 'pass' }, 26]],
    ['a4 FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.10>)\r\n', ['a4', 'FETCH', '1:*', ['FLAGS', 'BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.10>'], 65]],
    ['a5 STATUS NIL (MESSAGES)\r\n', ['a5', 'STATUS', null, ['MESSAGES'], 26]],
    ['a6 SEARCH (OR (SEEN) (FLAGGED))\r\n', ['a6', 'SEARCH', ['OR', ['SEEN'], ['FLAGGED']], 33]],
    ['a7 APPEND INBOX {0}\r\n\r\n', ['a7', 'APPEND', 'INBOX', { s: '' }, 23]],
  ];
  it.each(table)('%j', (input, expected) => {
    expect(command(parse(input))).toEqual(expected);
  });

  it('pipelined commands parse one at a time', () => {
    const buffer = Buffer.from('a NOOP\r\nb CAPABILITY\r\n');
    const first = parseCommand(buffer, LIMITS);
    expect(first.kind).toBe('command');
    const second = parseCommand(buffer.subarray((first as { consumed: number }).consumed), LIMITS);
    expect(command(second)).toEqual(['b', 'CAPABILITY', 14]);
  });

  const needMore: Array<[string, boolean]> = [
    ['a1 NOOP', false],
    ['a1 LOGIN user {4}\r\n', true],
    ['a1 LOGIN user {4}\r\npa', false],
    ['a1 LOGIN user {4+}\r\n', false],
    ['a1 LOGIN user {4}\r\npass', false],
  ];
  it.each(needMore)('%j needs more (continuation %s)', (input, continuation) => {
    expect(parse(input)).toMatchObject({ kind: 'need-more', continuation });
  });

  const errors: Array<[string, string, boolean]> = [
    ['a1 LOGIN user {1073741824}\r\n', 'Literal too large', false],
    ['a1 LOGIN user {1073741824+}\r\n', 'Literal too large', true],
    ['a1 LOGIN user {99999999999999999999}\r\n', 'Literal too large', false],
    ['a1 X ((((((x))))))\r\n', 'nested too deeply', false],
    ['a1 X "unterminated\r\n', 'Unterminated quoted string', false],
    ['a1 X {5}abc\r\n', 'Malformed literal', false],
    ['a1 X (a b\r\n', 'Expected', false],
    ['a1 X a)\r\n', 'Expected end', false],
    ['a1 X BODY[1\r\n', 'Unterminated section', false],
    ['a1 X "bad \\q escape"\r\n', 'Invalid escape', false],
    ['\r\n', 'Invalid tag', false],
    ['a+b NOOP\r\n', 'Invalid tag', false],
    ['a1\r\n', 'Missing command', false],
  ];
  it.each(errors)('%j is refused: %s', (input, message, fatal) => {
    const result = parse(input);
    expect(result.kind).toBe('error');
    expect(result).toMatchObject({ fatal });
    expect((result as { message: string }).message).toContain(message);
  });

  it('a huge literal is refused from its announcement, without waiting for its bytes', () => {
    const result = parse('a9 APPEND INBOX {1073741824}\r\n');
    expect(result).toMatchObject({ kind: 'error', tag: 'a9', consumed: 30 });
  });

  it('an endless line is refused once it passes the limit', () => {
    expect(parse('a'.repeat(300))).toMatchObject({ kind: 'error', fatal: true });
  });
});
