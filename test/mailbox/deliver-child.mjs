// Child process for the full-disk test: delivers messages until the file size limit (ulimit -f)
// makes the write fail, and reports what each delivery returned.
import { SealedMailboxDirectory } from '../../dist/store/mailbox/directory.js';

const [root, namingKeyHex, count] = process.argv.slice(2);
const directory = new SealedMailboxDirectory({ root, namingKey: Buffer.from(namingKeyHex, 'hex') });
const results = [];
for (let i = 0; i < Number(count); i++) {
  const raw = Buffer.from(`Subject: Full ${i}\r\n\r\n${'y'.repeat(20000)}\r\n`);
  try {
    await directory.deliver('full@example.com', raw);
    results.push({ i, ok: true });
  } catch (error) {
    results.push({ i, ok: false, code: error.code, temporary: error.temporary, message: error.message });
  }
}
await directory.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
