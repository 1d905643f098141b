import { describe, expect, it } from 'vitest';
import { buildMessage, type TestMessage } from '../../../test/kit/messages.js';
import { DEFAULT_LIMITS } from '../content/limits.js';
import { parseMessage } from '../content/parse.js';
import { zip } from '../../../test/kit/zip.js';
import { spamRules } from './rules.js';

async function codes(m: TestMessage) {
  return spamRules(await parseMessage(buildMessage(m), DEFAULT_LIMITS)).map((f) => f.result);
}
const attach = (filename: string, content: Buffer) => ({
  attachments: [{ filename, contentType: 'application/octet-stream', content }],
});

describe('spam rules', () => {
  it('is quiet for an ordinary message', async () => {
    expect(await codes({})).toEqual([]);
  });
  it('flags a missing Message-ID', async () => {
    expect(await codes({ messageId: null })).toEqual(['MISSING_MESSAGE_ID']);
  });
  it('flags a display name forging another address', async () => {
    expect(await codes({ from: '"billing@bank.example" <x@mailer.example.net>' })).toEqual(['FORGED_DISPLAY_NAME']);
    expect(await codes({ from: '"alice@wonderland.org" <alice@wonderland.org>' })).toEqual([]);
  });
  it('flags executable attachments, also with a double extension', async () => {
    expect(await codes(attach('invoice.pdf.exe', Buffer.from('MZ')))).toEqual(['EXECUTABLE_ATTACHMENT']);
    expect(await codes(attach('report.pdf', Buffer.from('%PDF-1.4')))).toEqual([]);
  });
  it('flags password-protected archives and executables inside archives', async () => {
    expect(await codes(attach('docs.zip', zip('a.txt', { flags: 1 })))).toEqual(['ENCRYPTED_ARCHIVE']);
    expect(await codes(attach('docs.zip', zip('setup.scr')))).toEqual(['EXECUTABLE_IN_ARCHIVE']);
    expect(await codes(attach('docs.zip', zip('a.txt')))).toEqual([]);
  });
  it('flags a zip bomb by its declared size without inflating it', async () => {
    expect(await codes(attach('big.zip', zip('a.txt', { declared: 4_000_000_000 })))).toEqual(['ZIP_BOMB']);
  });
});
