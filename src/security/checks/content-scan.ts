import type { ContentDeps } from '../content/scan.js';
import { runContentStage } from '../content/stage.js';
import type { Finding, Stage } from '../pipeline/types.js';

/**
 * CONTENT: spam model, rules, phishing and antivirus over the whole message, once per message
 * with all envelope recipients. `deps` is built once per server (it holds the loaded model).
 * The scanner's findings carry its points as `score`; its decision comes as a `content=<action>`
 * finding (with the score in `data`) that the pipeline policy maps, so `[content]` thresholds live
 * in one place: the scanner's policy.
 */
export function contentScanStage(deps: ContentDeps): Stage {
  return {
    name: 'content',
    phase: 'content',
    async run({ session, message }) {
      if (!message) return {};
      const recipients = session.recipients.map((r) => r.address);
      const result = await runContentStage(message.raw, deps, recipients);
      const score = String(result.verdict.spam.score);
      const findings: Finding[] = result.findings.map((f) =>
        f.check === 'content' ? { ...f, data: { score } } : f,
      );
      return { findings, headers: result.headers };
    },
  };
}
