import type { Classification } from '../spam/bayes.js';
import type { Prediction } from '../spam/logistic.js';
import type { ContentAction, ContentVerdict, Finding, SpamLabel } from './types.js';

/**
 * The one place findings become points and points become an action. Checks never decide.
 * A virus rejects; an unreachable clamd tempfails when configured to fail closed; otherwise
 * the summed score meets `rejectScore` (refused at DATA, never forwarded), `junkScore`
 * (delivered to Junk, or forwarded with X-Spam-Flag) or neither.
 */
export const DEFAULT_POINTS: Record<string, number> = {
  MISSING_MESSAGE_ID: 1,
  FORGED_DISPLAY_NAME: 3,
  EXECUTABLE_ATTACHMENT: 6,
  EXECUTABLE_IN_ARCHIVE: 6,
  ENCRYPTED_ARCHIVE: 4,
  ZIP_BOMB: 15,
  DISPLAY_NAME_SPOOFS_RECIPIENT_DOMAIN: 5,
  DISPLAY_NAME_BRAND_MISMATCH: 4,
  LOOKALIKE_DOMAIN: 6,
  IDN_HOMOGRAPH: 8,
  IDN_MIXED_SCRIPT: 5,
  BRAND_IN_SUBDOMAIN: 5,
  BRAND_IN_DOMAIN_NAME: 2,
  MIXED_SCRIPT_TEXT: 4,
  MIXED_SCRIPT_BODY: 2,
  LINK_TEXT_BRAND_MISMATCH: 3,
  LINK_TEXT_DOMAIN_MISMATCH: 1,
  URL_IP_LITERAL: 3,
  URL_SHORTENER: 1.5,
  BODY_CREDENTIAL_FORM: 4,
  HTML_ATTACHMENT_CREDENTIAL_FORM: 10,
  HTML_ATTACHMENT_SCRIPT: 4,
  KNOWN_BAD_DOMAIN: 15,
  MESSAGE_TRUNCATED: 0,
  MIME_TOO_COMPLEX: 3,
  MIME_PARSE_ERROR: 2,
  MIME_PARSE_TIMEOUT: 3,
  HTML_TRUNCATED: 0.5,
  TOO_MANY_ATTACHMENTS: 2,
};

export interface PolicySettings {
  junkScore: number;
  rejectScore: number;
  /** overrides of DEFAULT_POINTS by finding code */
  points: Record<string, number>;
  /** what an antivirus error means: refuse for now (fail closed) or let the message through */
  onAntivirusError: 'tempfail' | 'accept';
}

const FULL_EVIDENCE = 20;

/**
 * The classifier's say, in points: from -5 (surely ham) to +10 (surely spam or phish).
 * P(not ham) = 0.76 alone reaches the default junk score of 5: in 5-fold cross-validation on
 * the corpus's train split, the most spam caught while at most 0.5 % of ham is.
 * A message with fewer than FULL_EVIDENCE known tokens (a two-line note) gets a proportionally
 * smaller say: a handful of tokens is thin evidence, however confident the model sounds.
 */
export function classifierPoints(prediction: Prediction): number {
  const bad = 1 - prediction.probabilities[0];
  const evidence = Math.min(1, prediction.known / FULL_EVIDENCE);
  return Math.round(Math.max(-5, Math.min(10, (bad - 0.56) * 25)) * evidence * 10) / 10;
}

/** The user's own model (from their Junk moves): up to ±5 once it has seen a few messages. */
export function personalPoints(personal: Classification | undefined): number {
  if (!personal || personal.known < 3) return 0;
  return Math.round(Math.max(-5, Math.min(5, personal.evidence * 2)) * 10) / 10;
}

export interface Classifiers {
  prediction: Prediction;
  personal?: Classification | undefined;
}

export function decide(
  { prediction, personal }: Classifiers,
  findings: readonly Finding[],
  settings: PolicySettings,
): ContentVerdict {
  const points = { ...DEFAULT_POINTS, ...settings.points };
  // A code scores once: three mismatched links are one habit of the sender, not three pieces of evidence.
  const counted = new Set<string>();
  const scored = findings.map((f) => {
    const first = !counted.has(f.result);
    counted.add(f.result);
    return { ...f, points: f.check === 'antivirus' || !first ? 0 : (points[f.result] ?? 0) };
  });
  const model = classifierPoints(prediction);
  scored.unshift({ check: 'spam', result: model >= 0 ? 'MODEL_SPAM' : 'MODEL_HAM', detail: prediction.top.join(' '), points: model });
  const user = personalPoints(personal);
  if (user !== 0) scored.push({ check: 'spam', result: user > 0 ? 'USER_SPAM' : 'USER_HAM', detail: personal?.top.join(' '), points: user });
  const score = Math.round(scored.reduce((sum, f) => sum + f.points, 0) * 10) / 10;
  const phishing = findings.filter((f) => f.check === 'phishing');
  const virus = findings.filter((f) => f.check === 'antivirus');
  const phishPoints = scored.filter((f) => f.check === 'phishing').reduce((sum, f) => sum + f.points, 0);
  const [ham, spam, phish] = prediction.probabilities;
  let label: SpamLabel = 'ham';
  if (score >= settings.junkScore) label = phish > spam || phishPoints >= 4 ? 'phish' : 'spam';

  let action: ContentAction = 'accept';
  let reply: ContentVerdict['reply'];
  if (virus.some((f) => f.result === 'FOUND')) {
    action = 'reject';
    reply = { code: 554, enhanced: '5.7.1', text: 'Message refused: it carries a virus' };
  } else if (virus.some((f) => f.result === 'ERROR') && settings.onAntivirusError === 'tempfail') {
    action = 'tempfail';
    reply = { code: 451, enhanced: '4.7.1', text: 'Content scanning is unavailable, try again later' };
  } else if (score >= settings.rejectScore) {
    action = 'reject';
    reply = { code: 554, enhanced: '5.7.1', text: 'Message refused as spam' };
  } else if (score >= settings.junkScore) {
    action = 'junk';
  }
  const flagged = action !== 'accept' && action !== 'tempfail';
  const tests = scored.filter((f) => f.points !== 0).map((f) => f.result);
  return {
    action,
    ...(reply ? { reply } : {}),
    spam: { score, label, probabilities: { ham: round(ham), spam: round(spam), phish: round(phish) } },
    phishing,
    virus,
    findings: scored,
    headers: [
      ['X-Spam-Flag', flagged ? 'YES' : 'NO'],
      ['X-Spam-Score', score.toFixed(1)],
      ['X-Spam-Label', label],
      ['X-Spam-Status', `${flagged ? 'Yes' : 'No'}, score=${score.toFixed(1)} required=${settings.junkScore.toFixed(1)} tests=${tests.join(',') || 'none'}`],
    ],
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
