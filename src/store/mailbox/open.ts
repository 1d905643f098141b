import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { deriveKey } from '../../crypto/master-key.js';
import type { Logger } from '../../log/logger.js';
import { SealedMailboxDirectory } from './directory.js';
import type { Summarise } from './ingest.js';

/** Builds the mailbox directory from config: `data_dir/mailboxes`, names keyed by the master key. */
export function openMailboxDirectory(
  config: Readonly<Config>,
  masterKey: Buffer,
  options: { log?: Logger; summarise?: Summarise } = {},
): SealedMailboxDirectory {
  const namingKey = deriveKey(masterKey, 'mailbox-names');
  const directory = new SealedMailboxDirectory({
    root: path.join(config.data_dir, 'mailboxes'),
    namingKey,
    idleTtlMs: config.mailbox.idle_ttl_s * 1000,
    kdf: {
      algorithm: 'argon2id',
      memoryKib: config.mailbox.kdf_memory_kib,
      iterations: config.mailbox.kdf_iterations,
      parallelism: 1,
    },
    quotaBytes: config.mailbox.quota_mb * 1024 * 1024,
    ...(options.log ? { log: options.log } : {}),
    ...(options.summarise ? { summarise: options.summarise } : {}),
  });
  namingKey.fill(0);
  return directory;
}
