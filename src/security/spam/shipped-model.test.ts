import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../test/kit/messages.js';
import { configSchema } from '../../config/schema.js';
import { contentDepsFromConfig } from '../content/deps.js';
import { scanMessage } from '../content/scan.js';

// The committed model on everyday mail it never saw: short notes must not land in Junk.
const deps = contentDepsFromConfig(configSchema.parse({}));

const everyday: Record<string, Buffer> = {
  'a lunch invitation': buildMessage(),
  'a two-word note from a bare address (what swaks sends)': Buffer.from(
    'Date: Sun, 29 Nov 2026 15:00:00 +0000\r\nTo: fwd@fwd.test, box@fwd.test\r\nFrom: alice@sender.test\r\nSubject: mixed\r\n' +
      'Message-Id: <20261129150000.012345@mail.sender.test>\r\nX-Mailer: swaks v20240103.0 jetmore.org/john/code/swaks/\r\n\r\nto both\r\n',
  ),
  'a reply in a thread': buildMessage({
    from: 'Bob Builder <bob@example.com>',
    subject: 'Re: minutes of Tuesday',
    text: 'Thanks Carol, the minutes look right to me. I added the budget figures in section 3.\r\n\r\n> Please check the attached minutes.\r\n',
    headers: { 'In-Reply-To': '<m1@example.org>', References: '<m1@example.org>' },
  }),
  'a short note with a link to a document': buildMessage({
    from: 'Dana <dana@uni.example.edu>',
    subject: 'slides for tomorrow',
    text: 'Hi, here are my slides for the seminar: https://uni.example.edu/~dana/seminar.pdf\r\nSee you at 10.\r\nDana\r\n',
  }),
};

describe('the shipped spam model on everyday mail', () => {
  it.each(Object.entries(everyday))('accepts %s', async (_name, raw) => {
    const verdict = await scanMessage(raw, deps, { recipients: ['bob@example.com'] });
    expect(verdict.action, JSON.stringify(verdict.findings)).toBe('accept');
  });
});
