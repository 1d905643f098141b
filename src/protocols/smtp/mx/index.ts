import type { AppContext } from '../../../app/context.js';
import { encryptForRecipient } from '../../../crypto/encrypt-for-recipient.js';
import { deriveKey } from '../../../crypto/master-key.js';
import { createArcSealer, loadArcKey } from '../../../mail/arc-seal.js';
import { Srs } from '../../../mail/srs.js';
import type { Listener } from '../../../net/listener.js';
import { contentDepsFromConfig } from '../../../security/content/deps.js';
import { InboundPipeline } from '../../../security/pipeline/pipeline.js';
import { DEFAULT_POLICY } from '../../../security/pipeline/policy.js';
import { inboundStages } from '../../../security/pipeline/stages.js';
import type { MailboxDirectory } from '../../../store/mailbox/types.js';
import type { StateStore } from '../../../store/state/types.js';
import type { DkimSigner, OutboundClient, OutboundQueue } from '../outbound/types.js';
import { DeliveryDedup } from './dedup.js';
import { createMxServer } from './server.js';

/**
 * The subsystems the MX uses, as they appear on the app context. They are optional here so the MX
 * runs (and answers tempfail for what it cannot do yet) whichever of them a build provides.
 */
export type MxContext = AppContext &
  Partial<{
    mailboxes: Pick<MailboxDirectory, 'deliver'>;
    outbound: OutboundClient;
    queue: OutboundQueue;
    dkim: DkimSigner;
    state: StateStore;
  }>;

/** Builds the MX listener from the app context: pipeline stages, SRS, ARC, routing. */
export async function startMxListener(context: MxContext, port: number): Promise<Listener> {
  const { config, log } = context;
  const srs = new Srs({ key: deriveKey(context.masterKey, 'srs'), maxAgeDays: config.forwarding.srs_max_age_days });
  const pipeline = new InboundPipeline(
    // Built once per server: loading the spam model is expensive.
    inboundStages({ config, dns: context.dns, control: context.control, srs, content: contentDepsFromConfig(config) }),
    { ...DEFAULT_POLICY, dmarcEnforce: config.mx.dmarc_enforce },
    log,
  );
  const arc = createArcSealer(loadArcKey(config.data_dir, context.masterKey, config.hostname));
  const dedup = new DeliveryDedup(context.state, config.forwarding.dedup_ttl_s * 1000);
  return createMxServer({
    config,
    log,
    dns: context.dns,
    tls: context.tls,
    pipeline,
    port,
    guard: context.guard,
    router: {
      hostname: config.hostname,
      log,
      dedup,
      mailboxes: context.mailboxes,
      // An alias with an OpenPGP key or S/MIME certificate gets every copy encrypted before it leaves memory.
      encryptFor: (address, raw) => encryptForRecipient(context.control, address, raw),
      forwarding: context.outbound && {
        srs,
        outbound: context.outbound,
        dkim: context.dkim,
        arc,
        queue: context.queue,
        onTempfail: config.forwarding.on_tempfail,
        dmarcRewrite: config.forwarding.dmarc_rewrite,
        log,
      },
    },
  });
}
