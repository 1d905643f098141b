import type { Stage } from '../pipeline/types.js';
import { type Resolve, verifyMessage } from './verify-message.js';

/** The authentication stage: SPF, DKIM, DMARC, ARC findings and our Authentication-Results header. */
export function authenticationStage(deps: { hostname: string; resolve: Resolve }): Stage {
  return {
    name: 'authentication',
    phase: 'authentication',
    async run({ session, message }) {
      if (!message) return {};
      const outcome = await verifyMessage({
        raw: message.raw,
        ip: session.remoteAddress,
        helo: session.helo || session.remoteAddress,
        mailFrom: session.mailFrom ?? '',
        hostname: deps.hostname,
        resolve: deps.resolve,
      });
      message.arc = outcome.arc;
      return { findings: outcome.findings, headers: outcome.headers };
    },
  };
}
