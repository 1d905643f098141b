import type { Logger } from '../../../log/logger.js';
import type { ArcChainState, ArcSealer } from '../../../mail/arc-seal.js';
import { isDmarcRejection, rewriteFromForDmarc } from '../../../mail/dmarc-from-rewrite.js';
import type { Srs } from '../../../mail/srs.js';
import type { DkimSigner, OutboundClient, OutboundQueue, RecipientResult } from '../outbound/types.js';

export interface ForwardingDeps {
  srs: Srs;
  outbound: OutboundClient;
  dkim?: DkimSigner;
  arc?: ArcSealer;
  queue?: OutboundQueue;
  onTempfail: 'defer' | 'queue';
  dmarcRewrite: boolean;
  log: Logger;
}

export interface ForwardRequest {
  /** The original MAIL FROM ('' for bounces). */
  mailFrom: string;
  /** Our domain the copy is forwarded from (the alias's domain): SRS, DKIM d=. */
  domain: string;
  targets: string[];
  /** The accepted message, with our trace and Authentication-Results fields. */
  raw: Buffer;
  arc?: ArcChainState;
}

/**
 * Forwards one copy in memory: SRS envelope sender, ARC set, DKIM signature of the forwarding
 * domain, delivery now through the outbound client. A DMARC refusal is retried once with the From
 * rewritten; a deferral is queued (encrypted) only when the admin chose `on_tempfail = "queue"`.
 */
export async function forwardCopy(deps: ForwardingDeps, request: ForwardRequest): Promise<RecipientResult[]> {
  const envelopeFrom = request.mailFrom === '' ? '' : deps.srs.forward(request.mailFrom, request.domain);
  const finish = async (message: Buffer) => {
    const sealed = deps.arc && request.arc ? await deps.arc.seal(message, request.arc) : message;
    return deps.dkim ? deps.dkim.sign(sealed, request.domain) : sealed;
  };
  const signed = await finish(request.raw);
  let results = await deps.outbound.deliver({ from: envelopeFrom, to: request.targets }, signed);

  const refused = results.filter((r) => r.status === 'failed' && isDmarcRejection(r.code, r.enhanced, r.response));
  if (deps.dmarcRewrite && refused.length && envelopeFrom) {
    deps.log.info({ count: refused.length }, 'forward refused for DMARC; retrying with rewritten From');
    const rewritten = await finish(rewriteFromForDmarc(request.raw, envelopeFrom));
    const retried = await deps.outbound.deliver(
      { from: envelopeFrom, to: refused.map((r) => r.recipient) },
      rewritten,
    );
    const byRecipient = new Map(retried.map((r) => [r.recipient.toLowerCase(), r]));
    results = results.map((r) => byRecipient.get(r.recipient.toLowerCase()) ?? r);
  }

  const deferred = results.filter((r) => r.status === 'deferred');
  if (deferred.length && deps.onTempfail === 'queue' && deps.queue) {
    await deps.queue.enqueue({ from: envelopeFrom, to: deferred.map((r) => r.recipient) }, signed);
    const queued = new Set(deferred.map((r) => r.recipient));
    results = results.map((r) =>
      queued.has(r.recipient) ? { ...r, status: 'delivered', response: 'queued for retry' } : r,
    );
  }
  return results;
}
