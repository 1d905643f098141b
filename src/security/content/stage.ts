import { type ContentDeps, scanMessage } from './scan.js';
import type { ContentVerdict } from './types.js';

/**
 * The content stage as the MX pipeline (issue 4) consumes stages: findings with `score`
 * (their sum is the content score, so a policy that sums scores reaches the same number)
 * and the X-Spam-* header lines to prepend. Hard outcomes are findings too:
 * `antivirus=FOUND` must map to reject 554 5.7.1 and `antivirus=ERROR` (fail closed) to
 * tempfail 451 4.7.1 in the pipeline's policy table; `content=reject` and `content=junk`
 * carry the decision reached with [content] reject_score / junk_score.
 */
export interface PipelineFinding {
  check: string;
  result: string;
  detail?: string;
  score?: number;
}

export interface ContentStageResult {
  verdict: ContentVerdict;
  findings: PipelineFinding[];
  /** header lines without CRLF, e.g. `X-Spam-Score: 7.5` */
  headers: string[];
}

export async function runContentStage(
  raw: Buffer,
  deps: ContentDeps,
  recipients: string[],
): Promise<ContentStageResult> {
  const verdict = await scanMessage(raw, deps, { recipients });
  const findings: PipelineFinding[] = verdict.findings.map((f) => ({
    check: f.check,
    result: f.result,
    ...(f.detail ? { detail: f.detail } : {}),
    ...(f.points !== 0 ? { score: f.points } : {}),
  }));
  if (verdict.action !== 'accept') {
    findings.push({ check: 'content', result: verdict.action, detail: `score ${verdict.spam.score} ${verdict.spam.label}` });
  }
  return { verdict, findings, headers: verdict.headers.map(([name, value]) => `${name}: ${value}`) };
}
