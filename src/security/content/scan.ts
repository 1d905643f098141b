import { antivirusFindings, type ClamdOptions } from '../antivirus/clamd.js';
import type { BadDomains } from '../phishing/bad-domains.js';
import { phishingFindings } from '../phishing/check.js';
import { classify, type SpamModel } from '../spam/bayes.js';
import { type LogisticModel, predict } from '../spam/logistic.js';
import { spamRules } from '../spam/rules.js';
import { tokenize } from '../spam/tokenize.js';
import type { ContentLimits } from './limits.js';
import { parseMessage } from './parse.js';
import { decide, type PolicySettings } from './policy.js';
import type { ContentVerdict } from './types.js';

/** Everything the content stage needs, passed in: no module-level state. */
export interface ContentDeps {
  model: LogisticModel;
  /** the recipient's own learned model (see spam/user-model.ts), when the mailbox is open */
  userModel?: SpamModel;
  policy: PolicySettings;
  limits: ContentLimits;
  badDomains: BadDomains;
  protectedDomains: string[];
  /** absent = no antivirus scanning */
  clamd?: ClamdOptions;
}

export interface ScanContext {
  /** envelope recipients; the To/Cc header fields are used when absent (the CLI) */
  recipients?: string[];
}

/**
 * The content stage: parse (bounded), classify, run the rules, the phishing checks and the
 * antivirus, and let the policy decide. The MX calls this at DATA with the raw message;
 * `sealmail scan` calls it for each file. Never throws for any input.
 */
export async function scanMessage(raw: Buffer, deps: ContentDeps, context: ScanContext = {}): Promise<ContentVerdict> {
  const message = await parseMessage(raw, deps.limits);
  const recipients = context.recipients ?? message.recipients;
  const recipientDomains = [...new Set(recipients.map((r) => r.slice(r.lastIndexOf('@') + 1).toLowerCase()).filter(Boolean))];
  const tokens = tokenize(message);
  const prediction = predict(deps.model, tokens);
  const personal = deps.userModel ? classify([deps.userModel], tokens) : undefined;
  const findings = [
    ...message.problems,
    ...spamRules(message),
    ...phishingFindings(message, {
      recipientDomains,
      protectedDomains: deps.protectedDomains,
      badDomains: deps.badDomains,
    }),
  ];
  if (deps.clamd) findings.push(...(await antivirusFindings(message.attachments, raw, deps.clamd)));
  return decide({ prediction, personal }, findings, deps.policy);
}
