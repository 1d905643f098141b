// Child process for the crash test: unlocks a mailbox (which drains its spool) from the built store.
// It reports each committed batch; with PAUSE_AT_COMMIT=n it stalls after the n-th, so the parent can SIGKILL it
// exactly between "committed into the mailbox" and "deleted from the spool".
import { SealedMailboxDirectory } from '../../dist/store/mailbox/directory.js';

const [root, namingKeyHex, password] = process.argv.slice(2);
const pauseAt = Number(process.env.PAUSE_AT_COMMIT ?? 0);
let commits = 0;
const directory = new SealedMailboxDirectory({
  root,
  namingKey: Buffer.from(namingKeyHex, 'hex'),
  kdf: { algorithm: 'argon2id', memoryKib: 1024, iterations: 1, parallelism: 1 },
  drainBatchBytes: Number(process.env.BATCH_BYTES ?? 20000),
  idleTtlMs: 0,
  hooks: {
    afterDrainCommit(count) {
      process.stdout.write(`committed ${count}\n`);
      commits += 1;
      if (commits === pauseAt) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000);
    },
  },
});
process.stdout.write('unlocking\n');
const session = await directory.unlock('crash@example.com', password);
process.stdout.write(session ? 'drained\n' : 'locked\n');
await session?.close();
await directory.close();
