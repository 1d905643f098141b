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

  it("reads the sending software's own fields and the shapes of its identifiers, not the route's", async () => {
    const raw = [
      'Received: from relay.isp.example by mx.example; Sun, 29 Nov 2026 10:00:00 +0000',
      'Return-Path: <bounce-77@bulk.example>',
      'From: deals@bulk.example',
      'Reply-To: offers2026@replies.bulk.example',
      'To: you@x.example',
      'Subject: hello',
      'X-Mailer: Microsoft Outlook Express 6.00.2600.0000',
      'X-Priority: 3',
      'Message-ID: <000a01c24a99$f8570760$603a2f18@mailer.bulk.example>',
      'Content-Type: multipart/alternative; boundary="----=_NextPart_000_0027_01C24A78.6D4710A0"',
      '',
      '------=_NextPart_000_0027_01C24A78.6D4710A0',
      'Content-Type: text/plain',
      '',
      'hi',
      '------=_NextPart_000_0027_01C24A78.6D4710A0--',
    ].join('\r\n');
    const found = await facts(raw);
    expect(found).toEqual(
      expect.arrayContaining([
        'hn:x-mailer', 'hn:x-priority', 'hn:reply-to', 'hv:x-mailer:outlook', 'hv:x-mailer:9.99.9999.9999',
        'hv:reply-to:bulk.example', 'hv:reply-to-local:offers9',
        'midl:x$x$x', 'midlen:long', 'bnd:----=_x_9_9_x.x',
      ]),
    );
    expect(found.filter((f) => /received|return-path|relay|isp/.test(f))).toEqual([]);
  });

  it('gives one shape to the random parts one mailer makes, however their characters fall', async () => {
    const shapes = async (id: string, boundary: string) =>
      (await facts(`From: a@b.example\r\nMessage-ID: <${id}@b.example>\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\nx`))
        .filter((f) => /^(midl|midlen|bnd):/.test(f));
    const first = await shapes('k3j9x2a8q1.1732870000', '----=_Part_0_8812.1732870000');
    expect(first).toEqual(['midl:x.9', 'midlen:long', 'bnd:----=_x_9_9.9']);
    expect(await shapes('zz81m0pq3r.1732870421', '----=_Part_31_17.1732870421')).toEqual(first);
  });
});
