import { describe, expect, it } from 'vitest';
import { isDmarcRejection, rewriteFromForDmarc } from './dmarc-from-rewrite.js';

const message = (from: string, extra = '') =>
  Buffer.from(`${from}\r\nTo: b@fwd.test\r\n${extra}Subject: hi\r\n\r\nbody\r\n`);

describe('DMARC From rewrite', () => {
  it('puts "Name via domain" <our address> in From and the author in Reply-To', () => {
    const out = rewriteFromForDmarc(message('From: Alice Example <alice@strict.example>'), 'SRS0=x@fwd.test').toString();
    expect(out).toMatch(/^From: "Alice Example via strict\.example" <SRS0=x@fwd\.test>\r\n/);
    expect(out).toContain('Reply-To: Alice Example <alice@strict.example>\r\n');
    expect(out.match(/^From:/gm)).toHaveLength(1);
    expect(out).toMatch(/\r\n\r\nbody\r\n$/);
  });

  it('keeps an existing Reply-To, encodes non-ASCII names and survives a missing From', () => {
    const kept = rewriteFromForDmarc(message('From: alice@strict.example', 'Reply-To: list@x.example\r\n'), 'r@fwd.test');
    expect(kept.toString()).toContain('Reply-To: list@x.example');
    expect(kept.toString().match(/^Reply-To:/gm)).toHaveLength(1);
    const utf = rewriteFromForDmarc(message('From: =?UTF-8?Q?J=C3=BCrgen?= <j@strict.example>'), 'r@fwd.test').toString();
    expect(utf).toMatch(/^From: .*<r@fwd\.test>/);
    const none = rewriteFromForDmarc(Buffer.from('Subject: x\r\n\r\nb'), 'r@fwd.test').toString();
    expect(none).toMatch(/^From: "unknown via unknown sender" <r@fwd\.test>/);
  });

  it('recognises DMARC refusals', () => {
    expect(isDmarcRejection(550, '5.7.26', 'Unauthenticated email is not accepted')).toBe(true);
    expect(isDmarcRejection(550, '5.7.1', 'rejected due to DMARC policy')).toBe(true);
    expect(isDmarcRejection(550, '5.1.1', 'no such user')).toBe(false);
    expect(isDmarcRejection(451, '4.7.26', 'dmarc temp')).toBe(false);
  });
});
