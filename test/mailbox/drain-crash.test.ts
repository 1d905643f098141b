import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { message, tempDirectory } from '../../src/store/mailbox/test-support.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'drain-child.mjs');
const NAMING_KEY = Buffer.alloc(32, 7);
const COUNT = 60;

let env: ReturnType<typeof tempDirectory>;
afterEach(async () => env?.cleanup());

/** Runs the child and SIGKILLs it when `killWhen(stdoutSoFar)` says so (or after `delayMs`). */
function runChild(root: string, options: { pauseAt: number; killWhen?: (out: string) => boolean; delayMs?: number }) {
  return new Promise<{ out: string; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, root, NAMING_KEY.toString('hex'), 'pw'], {
      env: { ...process.env, PAUSE_AT_COMMIT: String(options.pauseAt) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (options.killWhen?.(out)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    if (options.delayMs !== undefined) {
      const timer = setTimeout(() => child.kill('SIGKILL'), options.delayMs);
      child.on('exit', () => clearTimeout(timer));
    }
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ out, signal }));
  });
}

async function fill() {
  env = tempDirectory({ namingKey: NAMING_KEY });
  await env.directory.create('crash@example.com', 'pw');
  for (let i = 0; i < COUNT; i++) await env.directory.deliver('crash@example.com', message(`Crash ${i}`, `message number ${i} ${'x'.repeat(2000)}`));
}

function spoolCount(): number {
  const [id] = readdirSync(env.root);
  const db = new Database(path.join(env.root, id!, 'spool.db'), { readonly: true });
  try {
    return (db.prepare('select count(*) as n from sealed').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function expectEveryMessageOnce() {
  const session = (await env.directory.unlock('crash@example.com', 'pw'))!;
  const subjects: string[] = [];
  for (const meta of await session.list('INBOX')) {
    subjects.push(/Subject: (.*)\r/.exec((await session.read('INBOX', meta.uid)).toString())![1]!);
  }
  await session.close();
  expect(subjects.sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `Crash ${i}`).sort());
  expect(spoolCount()).toBe(0);
}

describe('draining the sealed spool survives SIGKILL', () => {
  it('between the mailbox commit and the spool delete: no loss, no duplicate', async () => {
    await fill();
    const result = await runChild(env.root, { pauseAt: 2, killWhen: (out) => (out.match(/committed/g) ?? []).length >= 2 });
    expect(result.signal).toBe('SIGKILL');
    // Killed mid-drain: some messages are already in the mailbox and still in the spool.
    expect(spoolCount()).toBeGreaterThan(0);
    expect(spoolCount()).toBeLessThan(COUNT);
    await expectEveryMessageOnce();
  });

  it('at arbitrary moments, repeatedly', async () => {
    await fill();
    for (const delayMs of [150, 400, 700, 1000]) {
      await runChild(env.root, { pauseAt: 0, delayMs });
    }
    await expectEveryMessageOnce();
  });
});
