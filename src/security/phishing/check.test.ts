import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMessage, type TestMessage } from '../../../test/kit/messages.js';
import { DEFAULT_LIMITS } from '../content/limits.js';
import { parseMessage } from '../content/parse.js';
import { badDomainsFile } from './bad-domains.js';
import { phishingFindings } from './check.js';
import { isMixedScript, skeleton } from './domains.js';

const none = badDomainsFile(undefined);

async function findings(m: TestMessage, recipientDomains = ['example.com'], badDomains = none) {
  const parsed = await parseMessage(buildMessage(m), DEFAULT_LIMITS);
  return phishingFindings(parsed, { recipientDomains, protectedDomains: ['mybank.de'], badDomains });
}
const codes = async (m: TestMessage, domains?: string[]) => (await findings(m, domains)).map((f) => f.result);

describe('phishing checks', () => {
  it('reports nothing for an ordinary message', async () => {
    expect(await codes({})).toEqual([]);
  });

  it('flags a display name that borrows the recipient domain', async () => {
    expect(await codes({ from: '"IT desk example.com" <it@helpdesk-mail.net>' })).toContain(
      'DISPLAY_NAME_SPOOFS_RECIPIENT_DOMAIN',
    );
    expect(await codes({ from: '"IT desk example.com" <it@example.com>' })).not.toContain(
      'DISPLAY_NAME_SPOOFS_RECIPIENT_DOMAIN',
    );
  });

  it('flags a brand in the display name sent from another domain', async () => {
    expect(await codes({ from: 'PayPal Service <service@secure-mail.ru>' })).toContain('DISPLAY_NAME_BRAND_MISMATCH');
    expect(await codes({ from: 'PayPal <service@paypal.com>' })).not.toContain('DISPLAY_NAME_BRAND_MISMATCH');
  });

  it('flags IDN homographs and mixed scripts (Cyrillic а in pаypal)', async () => {
    const html = '<p><a href="https://xn--pypal-4ve.com/login">Log in</a></p>';
    const result = await codes({ html });
    expect(result).toContain('IDN_HOMOGRAPH');
    expect(result).toContain('IDN_MIXED_SCRIPT');
    expect(await codes({ subject: 'Your Binаnсе account' })).toContain('MIXED_SCRIPT_TEXT');
    expect(isMixedScript('Binаnсе')).toBe(true);
    expect(isMixedScript('Binance')).toBe(false);
    expect(isMixedScript('Привет')).toBe(false);
  });

  it('flags lookalike domains of brands and of our own domains', async () => {
    expect(skeleton('paypa1')).toBe(skeleton('paypal'));
    expect(await codes({ html: '<a href="http://paypa1.com/x">x</a>' })).toContain('LOOKALIKE_DOMAIN');
    expect(await codes({ html: '<a href="http://rnybank.de/x">x</a>' })).toContain('LOOKALIKE_DOMAIN');
    expect(await codes({ html: '<a href="http://examp1e.com/x">x</a>' })).toContain('LOOKALIKE_DOMAIN');
    expect(await codes({ html: '<a href="http://www.paypal.com.account-check.biz/x">x</a>' })).toContain(
      'BRAND_IN_SUBDOMAIN',
    );
    expect(await codes({ html: '<a href="https://www.paypal.com/x">x</a>' })).toEqual([]);
  });

  it('flags link text that shows one domain while the href goes to another', async () => {
    const html = '<a href="http://evil.example.net/login">https://www.mybank.de/login</a>';
    const result = await findings({ html });
    expect(result.find((f) => f.result === 'LINK_TEXT_BRAND_MISMATCH')?.detail).toBe(
      'text shows mybank.de, link goes to example.net',
    );
    const plain = await findings({ html: '<a href="http://evil.example.net/x">www.techjournal.com</a>' });
    expect(plain.find((f) => f.result === 'LINK_TEXT_DOMAIN_MISMATCH')?.detail).toBe(
      'text shows techjournal.com, link goes to example.net',
    );
    expect(await codes({ html: '<a href="https://www.mybank.de/a">www.mybank.de</a>' })).toEqual([]);
  });

  it("lets a newsletter count clicks through the sender's own domain, unless the text shows a protected name", async () => {
    const from = 'News <dispatch@newsletter.online-news.net>';
    const tracked = '<a href="http://clickthru.online-news.net/c?q=1">www.techjournal.com</a>';
    expect(await codes({ from, html: tracked })).not.toContain('LINK_TEXT_DOMAIN_MISMATCH');
    const brand = '<a href="http://clickthru.online-news.net/c?q=1">www.paypal.com</a>';
    expect(await codes({ from, html: brand })).toContain('LINK_TEXT_BRAND_MISMATCH');
    const ours = '<a href="http://clickthru.online-news.net/c?q=1">www.mybank.de</a>';
    expect(await codes({ from, html: ours })).toContain('LINK_TEXT_BRAND_MISMATCH');
    const elsewhere = '<a href="http://clickthru.tracker-elsewhere.net/c?q=1">www.techjournal.com</a>';
    expect(await codes({ from, html: elsewhere })).toContain('LINK_TEXT_DOMAIN_MISMATCH');
  });

  it('flags IP-literal and shortener URLs', async () => {
    expect(await codes({ text: 'see http://192.0.2.7/login.php now' })).toContain('URL_IP_LITERAL');
    expect(await codes({ html: '<a href="http://[2001:db8::1]/x">x</a>' })).toContain('URL_IP_LITERAL');
    expect(await codes({ text: 'see https://bit.ly/3abcd now' })).toContain('URL_SHORTENER');
  });

  it('flags HTML attachments with credential forms', async () => {
    const page = '<html><form action="https://collector.example.net/p"><input name=u><input type="password" name=p></form></html>';
    const result = await codes({
      attachments: [{ filename: 'invoice.html', contentType: 'text/html', content: Buffer.from(page) }],
    });
    expect(result).toContain('HTML_ATTACHMENT_CREDENTIAL_FORM');
  });

  it('reloads the known-bad-domains file without a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-bad-'));
    const file = path.join(dir, 'bad.txt');
    writeFileSync(file, '# none yet\n');
    let clock = 0;
    const list = badDomainsFile(file, 1000, () => clock);
    const message = { html: '<a href="https://login.evil-example.net/a">here</a>' };
    expect((await findings(message, [], list)).map((f) => f.result)).not.toContain('KNOWN_BAD_DOMAIN');
    writeFileSync(file, 'evil-example.net # reported by abuse desk\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    clock += 1500;
    const after = await findings(message, [], list);
    expect(after.find((f) => f.result === 'KNOWN_BAD_DOMAIN')?.detail).toBe('evil-example.net');
  });
});
