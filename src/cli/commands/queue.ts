import type { Command } from 'commander';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { loadMasterKey } from '../../crypto/master-key.js';
import { queueKey, queueSpoolDir } from '../../protocols/smtp/outbound/index.js';
import { openQueuedEnvelope } from '../../protocols/smtp/outbound/queue.js';
import { QueueSpool } from '../../protocols/smtp/outbound/spool.js';
import { output, withControlStore } from '../io.js';

const ID = /^[a-f0-9]{24}(-\d+)?$/;

export function registerQueueCommands(program: Command): void {
  const queue = program.command('queue').description('the outbound delivery queue');

  queue
    .command('list')
    .description('queued messages: id, sender, recipients still to do, attempts, next attempt, last error')
    .action(async (_options, command: Command) => {
      const entries = await withControlStore(command, async (store, config) => {
        const masterKey = loadMasterKey(config.data_dir);
        const key = queueKey(masterKey);
        masterKey.fill(0);
        try {
          return (await store.queue.list()).map((e) => {
            const envelope = openQueuedEnvelope(key, e);
            return {
              id: e.id,
              from: envelope.from,
              to: envelope.to,
              size: e.size,
              attempts: e.attempts,
              nextAttemptAt: e.nextAttemptAt,
              createdAt: e.createdAt,
              ...(e.lastError ? { lastError: e.lastError } : {}),
            };
          });
        } finally {
          key.fill(0);
        }
      });
      const text = entries
        .map((e) => `${e.id}  <${e.from}> -> ${e.to.join(', ')}  ${e.size}B  attempts=${e.attempts}  next=${e.nextAttemptAt}${e.lastError ? `  (${e.lastError})` : ''}`)
        .join('\n');
      output(command, entries, text || '(queue is empty)');
    });

  queue
    .command('flush')
    .description('retry every queued message (or one) now; a running server picks it up within its poll interval')
    .argument('[id]', 'one queue entry')
    .action(async (id: string | undefined, _options, command: Command) => {
      if (id !== undefined && !ID.test(id)) throw new UsageError('expected a queue id as shown by `sealmail queue list`');
      const count = await withControlStore(command, (store) => store.queue.flush(new Date().toISOString(), id));
      if (id !== undefined && count === 0) throw new NotFoundError(`queue entry ${id} does not exist`);
      output(command, { flushed: count }, `${count} message(s) due now`);
    });

  queue
    .command('delete')
    .description('drop a queued message without delivering it (securely erased, no bounce)')
    .argument('<id>', 'a queue entry id, or a message id to drop all its entries')
    .action(async (id: string, _options, command: Command) => {
      if (!ID.test(id)) throw new UsageError('expected a queue id as shown by `sealmail queue list`');
      const removed = await withControlStore(command, async (store, config) => {
        const masterKey = loadMasterKey(config.data_dir);
        const key = queueKey(masterKey);
        masterKey.fill(0);
        const spool = new QueueSpool(queueSpoolDir(config), key);
        const ids = (await store.queue.list()).map((e) => e.id).filter((e) => e === id || e.startsWith(`${id}-`));
        for (const entry of ids) {
          await store.queue.remove(entry);
          spool.remove(entry);
        }
        key.fill(0);
        if (ids.length) await store.audit.record({ actor: 'cli', action: 'queue.delete', subject: id, detail: { entries: ids.length } });
        return ids;
      });
      if (removed.length === 0) throw new NotFoundError(`queue entry ${id} does not exist`);
      output(command, { deleted: removed }, `deleted ${removed.join(', ')}`);
    });
}
