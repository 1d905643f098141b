import type { Config } from '../../config/schema.js';
import type { DnsResolver } from '../../dns/resolver.js';
import type { Srs } from '../../mail/srs.js';
import type { ControlStore } from '../../store/control/types.js';
import type { ContentDeps } from '../content/scan.js';
import { authenticationStage } from '../auth/authentication-stage.js';
import type { Resolve } from '../auth/verify-message.js';
import { contentScanStage } from '../checks/content-scan.js';
import { messageFormatStage } from '../checks/message-format.js';
import { recipientAliasStage } from '../checks/recipient-alias.js';
import type { Stage } from './types.js';

/** What a stage factory may depend on. Later issues add fields here (guard, classifier, clamd…). */
export interface StageDependencies {
  config: Readonly<Config>;
  dns: DnsResolver;
  control: ControlStore;
  srs: Srs;
  /** Content scanner dependencies (model loaded once per server, clamd address). */
  content: ContentDeps;
}

/**
 * Every inbound stage, in order. Adding a check = a new file with a factory + one line here.
 * Within a phase, order decides how findings are listed (and ties in the merge), not timing.
 */
export function inboundStages(deps: StageDependencies): Stage[] {
  return [
    recipientAliasStage({ control: deps.control, srs: deps.srs }),
    messageFormatStage({ maxHeaderBytes: deps.config.mx.max_header_bytes }),
    authenticationStage({ hostname: deps.config.hostname, resolve: deps.dns.resolve as Resolve }),
    contentScanStage(deps.content),
  ];
}
