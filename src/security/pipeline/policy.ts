import type { Decision, Finding, Verdict } from './types.js';

export interface PolicySettings {
  /** Honour the sender domain's DMARC p=reject / p=quarantine. */
  dmarcEnforce: boolean;
}

/**
 * Spam thresholds are not here: `[content] junk_score / reject_score` are applied by the content
 * scanner's policy (src/security/content/policy.ts), which reports its decision as a `content=…` finding.
 */
export const DEFAULT_POLICY: PolicySettings = { dmarcEnforce: true };

const reject = (code: number, enhanced: string, text: string): Verdict => ({ action: 'reject', code, enhanced, text });
const tempfail = (code: number, enhanced: string, text: string): Verdict => ({ action: 'tempfail', code, enhanced, text });

type Rule = (finding: Finding, settings: PolicySettings) => Verdict | undefined;

/**
 * The one place where findings become actions. A new check that needs a hard rule adds one entry here;
 * checks that only contribute to the spam score need none.
 */
const RULES: Record<string, Rule> = {
  'recipient=unknown': () => reject(550, '5.1.1', 'no such recipient here'),
  'recipient=disabled': () => reject(550, '5.2.1', 'mailbox disabled, not accepting messages'),
  'recipient=invalid': () => reject(553, '5.1.3', 'bad recipient address syntax'),
  'recipient=relay-denied': () => reject(554, '5.7.1', 'relay access denied'),
  'recipient=srs-invalid': () => reject(550, '5.1.1', 'invalid or expired return address'),
  'recipient=temperror': () => tempfail(451, '4.3.0', 'recipient lookup failed, try again later'),
  'format=bare-newline': () => reject(550, '5.6.2', 'bare CR or LF in message; lines must end with CRLF'),
  'format=header-too-large': () => reject(552, '5.3.4', 'message header section too large'),
  'format=header-encoding': () => reject(550, '5.6.7', 'message header is not valid UTF-8'),
  'format=no-header': () => reject(550, '5.6.0', 'message has no header section'),
  'dmarc=fail': (finding, settings) => {
    if (!settings.dmarcEnforce) return undefined;
    if (finding.data?.policy === 'reject') return reject(550, '5.7.1', 'rejected by the sender domain DMARC policy');
    if (finding.data?.policy === 'quarantine') return { action: 'quarantine', score: 0 };
    return undefined;
  },
  // Content scanner: a virus and spam at or above [content] reject_score are refused at DATA, so
  // they are never stored nor forwarded; junk goes to Junk (forwarded with X-Spam-Flag: YES).
  'antivirus=FOUND': () => reject(554, '5.7.1', 'message refused: it carries a virus'),
  'content=reject': () => reject(554, '5.7.1', 'message refused as spam'),
  // Reached only when the antivirus failed and [antivirus] on_error = "tempfail" (fail closed).
  'content=tempfail': () => tempfail(451, '4.7.1', 'content scanning is unavailable, try again later'),
  'content=junk': (finding) => ({ action: 'quarantine', score: Number(finding.data?.score ?? 0) }),
  'stage=error': () => tempfail(451, '4.3.0', 'temporary local problem, try again later'),
};

const SEVERITY: Record<Verdict['action'], number> = { accept: 0, quarantine: 1, tempfail: 2, reject: 3 };

/** Deterministic merge: reject beats tempfail beats quarantine beats accept; ties keep the first (stage order). */
export function mergeVerdicts(verdicts: Verdict[]): Verdict {
  let merged: Verdict = { action: 'accept' };
  for (const verdict of verdicts) {
    if (SEVERITY[verdict.action] > SEVERITY[merged.action]) merged = verdict;
    else if (verdict.action === 'quarantine' && merged.action === 'quarantine' && verdict.score > merged.score) {
      merged = verdict;
    }
  }
  return merged;
}

/** Turns the findings of one or more stages into a verdict. */
export function decide(findings: Finding[], settings: PolicySettings, headers: string[] = []): Decision {
  const verdicts: Verdict[] = [];
  for (const finding of findings) {
    const rule = RULES[`${finding.check}=${finding.result}`] ?? RULES[`stage=${finding.result}`];
    const verdict = rule?.(finding, settings);
    if (verdict) verdicts.push(verdict);
  }
  return { verdict: mergeVerdicts(verdicts), headers, findings };
}
