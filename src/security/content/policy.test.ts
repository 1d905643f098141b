import { describe, expect, it } from 'vitest';
import { classifierPoints, decide, type PolicySettings } from './policy.js';

const settings: PolicySettings = { junkScore: 5, rejectScore: 12, points: {}, onAntivirusError: 'tempfail' };
const neutral = { prediction: { probabilities: [0.5, 0.4, 0.1] as [number, number, number], known: 0, top: [] } };
const mismatch = (n: number) => ({ check: 'phishing', result: 'LINK_TEXT_BRAND_MISMATCH', detail: `link ${n}` });

describe('content policy', () => {
  it('scores each finding code once, however many links repeat it, and still lists them all', () => {
    const one = decide(neutral, [mismatch(1)], settings);
    const three = decide(neutral, [mismatch(1), mismatch(2), mismatch(3)], settings);
    expect(three.spam.score).toBe(one.spam.score);
    expect(three.spam.score).toBe(3);
    expect(three.findings.filter((f) => f.result === 'LINK_TEXT_BRAND_MISMATCH')).toHaveLength(3);
    expect(three.action).toBe('accept');
  });

  it('different codes add up to junk and then to reject', () => {
    const junk = decide(neutral, [mismatch(1), { check: 'phishing', result: 'URL_IP_LITERAL' }], settings);
    expect(junk).toMatchObject({ action: 'junk', spam: { score: 6 } });
    const reject = decide(neutral, [mismatch(1), { check: 'phishing', result: 'KNOWN_BAD_DOMAIN' }], settings);
    expect(reject.action).toBe('reject');
  });

  it('gives the classifier less say over a message it knows few tokens of', () => {
    const sure = (known: number) => classifierPoints({ probabilities: [0.04, 0.96, 0], known, top: [] });
    expect(sure(40)).toBe(10);
    expect(sure(20)).toBe(10);
    expect(sure(10)).toBe(5);
    expect(sure(0)).toBe(0);
  });
});
