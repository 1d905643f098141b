import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../test/kit/messages.js';
import { DEFAULT_LIMITS } from '../content/limits.js';
import { parseMessage } from '../content/parse.js';
import { messageFacts } from './message-facts.js';

const facts = async (raw: string | Buffer) => messageFacts(await parseMessage(Buffer.from(raw), DEFAULT_LIMITS));

describe('message facts (how a message was made)', () => {
  it('reads the sender-written Date, Message-ID, To and subject of a bulk mailing', async () => {
    const raw = [
      'From: deals@bulk.example',
      'To: a@x.example, b@x.example, c@x.example, d@x.example, e@x.example, f@x.example',
      'Subject: SAVE 80% NOW!!!      ID 4823991',
      'Date: 29 Nov 2026 10:00:00 +0800',
      'Message-ID: <20261129abc123@mailer>',
      'Content-Type: text/html; charset="GB2312"',
      '',
      '<center><font color=red size=7>BUY</font></center>',
    ].join('\r\n');
    expect(await facts(raw)).toEqual(
      expect.arrayContaining([
        'date:tz:+0800', 'date:no-dow', 'mid:bare-host', 'to:many:lots', 'cc:none',
        'ss:bang', 'ss:spaces', 'ss:idnum', 'cs:gb2312', 'ht:center:few', 'ht:font:few', 'ha:color=',
      ]),
    );
  });

  it('a personal message has none of the bulk marks', async () => {
    const found = await facts(buildMessage({ messageId: '<a1.b2@wonderland.org>' }));
    expect(found).toContain('mid:from-domain');
    for (const mark of ['date:no-dow', 'mid:bare-host', 'to:many:lots', 'ss:bang']) expect(found).not.toContain(mark);
    expect(found.filter((f) => f.startsWith('ht:') || f.startsWith('ha:'))).toEqual([]);
  });
});
