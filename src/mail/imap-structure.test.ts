import { describe, expect, it } from 'vitest';
import { extractSection, summariseMessage } from './imap-structure.js';

const inner = 'From: x@y.test\r\nSubject: inner\r\n\r\ninner body\r\n';
const raw = Buffer.from(
  [
    'From: "A, B" <a@example.org>, undisclosed-recipients:;',
    'To: Team: c@example.org, d@example.org;',
    'Subject: =?utf-8?q?hi?=',
    'Date: Tue, 3 Mar 2026 10:00:00 +0000',
    'Content-Type: multipart/mixed; boundary="XX"',
    '',
    'preamble',
    '--XX',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'line one',
    'line two',
    '--XX',
    'Content-Type: message/rfc822',
    '',
    inner,
    '--XX--',
    '',
  ].join('\r\n'),
);

describe('summariseMessage', () => {
  const { envelope, bodyStructure } = summariseMessage(raw);
  it('builds the ENVELOPE with raw subject, groups and defaults', () => {
    expect(envelope[1]).toBe('=?utf-8?q?hi?=');
    expect(envelope[2]?.[0]).toEqual(['A, B', null, 'a', 'example.org']);
    expect(envelope[3]).toEqual(envelope[2]);
    expect(envelope[5]).toEqual([
      [null, null, 'Team', null],
      [null, null, 'c', 'example.org'],
      [null, null, 'd', 'example.org'],
      [null, null, null, null],
    ]);
  });
  it('builds the BODYSTRUCTURE with sizes, lines and the embedded message', () => {
    expect(bodyStructure.parts?.length).toBe(2);
    expect(bodyStructure.parts?.[0]).toMatchObject({ type: 'text', subtype: 'plain', size: 18, lines: 2 });
    expect(bodyStructure.parts?.[1]?.envelope?.[1]).toBe('inner');
    expect(bodyStructure.parts?.[1]?.body).toMatchObject({ type: 'text', subtype: 'plain' });
  });
});

describe('extractSection', () => {
  const section = (path: number[], text = '', fields: string[] = []) => extractSection(raw, { path, text, fields }).toString();
  it.each([
    [[1], '', 'line one\r\nline two'],
    [[2], '', inner],
    [[2], 'HEADER', 'From: x@y.test\r\nSubject: inner\r\n\r\n'],
    [[2], 'TEXT', 'inner body\r\n'],
    [[2, 1], '', 'inner body\r\n'],
    [[1], 'MIME', 'Content-Type: text/plain; charset=us-ascii\r\n\r\n'],
    [[9], '', ''],
  ] as const)('BODY[%j.%s]', (path, text, expected) => {
    expect(section([...path], text)).toBe(expected);
  });
  it('HEADER.FIELDS keeps the named fields and the blank line', () => {
    expect(section([], 'HEADER.FIELDS', ['subject', 'DATE'])).toBe('Subject: =?utf-8?q?hi?=\r\nDate: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\n');
    expect(section([], 'HEADER.FIELDS.NOT', ['from', 'to', 'content-type', 'date'])).toBe('Subject: =?utf-8?q?hi?=\r\n\r\n');
  });
  it('the whole message is returned byte for byte', () => {
    expect(extractSection(raw, { path: [], text: '', fields: [] }).equals(raw)).toBe(true);
  });
});
