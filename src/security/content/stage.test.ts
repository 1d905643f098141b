import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../test/kit/messages.js';
import { configSchema } from '../../config/schema.js';
import { contentDepsFromConfig } from './deps.js';
import { runContentStage } from './stage.js';

const deps = contentDepsFromConfig(configSchema.parse({}));

describe('content stage for the MX pipeline', () => {
  it('scores sum to the verdict score and headers are ready to prepend', async () => {
    const raw = buildMessage({
      from: 'PayPal Security <security@account-verify-center.ru>',
      subject: 'Your account has been limited, verify now',
      html: '<p>Verify your account within 24 hours.</p><a href="http://203.0.113.9/login">https://www.paypal.com/login</a>',
    });
    const result = await runContentStage(raw, deps, ['bob@example.com']);
    const sum = result.findings.reduce((total, f) => total + (f.score ?? 0), 0);
    expect(Math.round(sum * 10) / 10).toBe(result.verdict.spam.score);
    expect(result.headers).toContain(`X-Spam-Score: ${result.verdict.spam.score.toFixed(1)}`);
    expect(result.headers.find((h) => h.startsWith('X-Spam-Flag:'))).toBe('X-Spam-Flag: YES');
    expect(result.findings.at(-1)).toMatchObject({ check: 'content', result: result.verdict.action });
    for (const header of result.headers) expect(header).not.toMatch(/[\r\n]/);
  });

  it('a recipient-domain spoof uses the envelope recipients', async () => {
    const raw = buildMessage({ from: '"example.com IT support" <it@helpdesk-example.net>', to: 'someone@elsewhere.org' });
    const result = await runContentStage(raw, deps, ['bob@example.com']);
    expect(result.findings.map((f) => f.result)).toContain('DISPLAY_NAME_SPOOFS_RECIPIENT_DOMAIN');
  });
});
