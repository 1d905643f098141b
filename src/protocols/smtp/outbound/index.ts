import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { type Config, durationMs } from '../../../config/schema.js';
import { ConfigError } from '../../../core/errors.js';
import { deriveKey } from '../../../crypto/master-key.js';
import type { DnsResolver } from '../../../dns/resolver.js';
import type { Logger } from '../../../log/logger.js';
import { createDkimSigner } from '../../../mail/dkim-signer.js';
import type { ControlStore } from '../../../store/control/types.js';
import { SmtpOutboundClient } from './client.js';
import { MtaStsResolver } from './mta-sts.js';
import { sealedPolicyFile } from './mta-sts-cache.js';
import { PersistentQueue } from './queue.js';
import { QueueSpool } from './spool.js';
import type { DkimSigner, OutboundClient } from './types.js';

export interface OutboundDeps {
  config: Readonly<Config>;
  log: Logger;
  masterKey: Buffer;
  control: ControlStore;
  dns: DnsResolver;
}

export interface Outbound {
  client: OutboundClient;
  queue: PersistentQueue;
  dkim: DkimSigner;
  close(graceMs: number): Promise<void>;
}

/** System roots plus the configured extra CA (a private PKI, or a test CA); validation stays on. */
export function trustedRoots(config: Pick<Config, 'delivery'>): string[] {
  if (!config.delivery.ca_file) return [...tls.rootCertificates];
  try {
    return [...tls.rootCertificates, readFileSync(config.delivery.ca_file, 'utf8')];
  } catch {
    throw new ConfigError(`delivery.ca_file: cannot read ${config.delivery.ca_file}`);
  }
}

/** The key the queue seals messages and envelopes with. */
export function queueKey(masterKey: Buffer): Buffer {
  return deriveKey(masterKey, 'queue');
}

export function queueSpoolDir(config: Pick<Config, 'data_dir'>): string {
  return path.join(config.data_dir, 'queue');
}

/** Builds outbound delivery: DKIM signer, MTA-STS aware SMTP client, persistent encrypted queue. */
export function createOutbound(deps: OutboundDeps): Outbound {
  const { config, log } = deps;
  const ca = trustedRoots(config);
  const timeoutMs = durationMs(config.delivery.timeout);
  const store = sealedPolicyFile(path.join(config.data_dir, 'mta-sts-policies.enc'), deriveKey(deps.masterKey, 'mta-sts-policies'), log);
  const mtaSts = new MtaStsResolver({ dns: deps.dns, log, ca, port: config.delivery.mta_sts_port, timeoutMs, store });
  const client = new SmtpOutboundClient({
    dns: deps.dns,
    log,
    mtaSts,
    hostname: config.hostname,
    port: config.delivery.port,
    requireTls: config.delivery.require_tls,
    ca,
    timeoutMs,
  });
  const key = queueKey(deps.masterKey);
  const queue = new PersistentQueue({
    index: deps.control.queue,
    spool: new QueueSpool(queueSpoolDir(config), key),
    key,
    client,
    log,
    hostname: config.hostname,
    scheduleMs: config.delivery.retry_schedule.map(durationMs),
    concurrency: config.delivery.concurrency,
    concurrencyPerDomain: config.delivery.concurrency_per_domain,
    pollMs: durationMs(config.delivery.poll_interval),
  });
  const dkim = createDkimSigner({ keys: deps.control.dkimKeys, masterKey: deps.masterKey, log });
  return {
    client,
    queue,
    dkim,
    async close(graceMs) {
      await queue.stop(graceMs);
      dkim.clear();
      key.fill(0);
    },
  };
}
