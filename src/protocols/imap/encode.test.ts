import { describe, expect, it } from 'vitest';
import { compactSet, decodeMailboxName, encodeMailboxName, imapValue, parseSequenceSet } from './encode.js';

describe('modified UTF-7', () => {
  const names: Array<[string, string]> = [
    ['INBOX', 'INBOX'],
    ['Entwürfe', 'Entw&APw-rfe'],
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
    ['A&B', 'A&-B'],
    ['😀', '&2D3eAA-'],
  ];
  it.each(names)('%s ⇄ %s', (name, encoded) => {
    expect(encodeMailboxName(name)).toBe(encoded);
    expect(decodeMailboxName(encoded)).toBe(name);
  });
  const invalid = ['&Jjo!', '&U,BTFw', '&AGE-', '&ZeVnLIqe', '&2D0-', 'a\u00e9', '&&-', '&=-'];
  it.each(invalid)('%j is invalid', (encoded) => {
    expect(decodeMailboxName(encoded)).toBeUndefined();
  });
});

describe('sequence sets', () => {
  it.each([
    ['1:3,7', 10, [[1, 3], [7, 7]]],
    ['5:*', 9, [[5, 9]]],
    ['*:2', 4, [[2, 4]]],
    ['0', 5, undefined],
    ['1:', 5, undefined],
    ['a', 5, undefined],
  ] as const)('%s of %d', (text, max, expected) => {
    expect(parseSequenceSet(text, max)).toEqual(expected);
  });
  it('compacts', () => expect(compactSet([7, 1, 2, 3, 9, 10])).toBe('1:3,7,9:10'));
});

describe('imapValue', () => {
  it('serialises nested lists, NIL, numbers, quoted and literal strings', () => {
    expect(imapValue(['a"b', null, 5, ['x\r\ny']]).toString()).toBe('("a\\"b" NIL 5 ({4}\r\nx\r\ny))');
    expect(imapValue('Zürich').toString('latin1')).toBe(`{7}\r\n${Buffer.from('Zürich').toString('latin1')}`);
  });
});
