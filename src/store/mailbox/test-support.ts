import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KdfParams } from '../../crypto/kdf.js';
import { SealedMailboxDirectory, type MailboxDirectoryOptions } from './directory.js';
import type { Summarise } from './ingest.js';

/** A cheap Argon2id for tests that exercise the store, not the KDF (the KDF tests use the real cost). */
export const TEST_KDF: KdfParams = { algorithm: 'argon2id', memoryKib: 1024, iterations: 1, parallelism: 1 };

/** A stand-in for src/mail's summariser: enough to prove the cache round-trips. */
export const simpleSummary: Summarise = (raw) => {
  const subject = /^subject: *(.*)$/im.exec(raw.toString('latin1'))?.[1]?.trim() ?? null;
  return { envelope: { subject }, bodyStructure: { type: 'text', subtype: 'plain' } };
};

export function tempDirectory(options: Partial<MailboxDirectoryOptions> = {}) {
  const base = mkdtempSync(path.join(tmpdir(), 'sealmail-mbox-'));
  const root = path.join(base, 'mailboxes');
  const directory = new SealedMailboxDirectory({
    root,
    namingKey: Buffer.alloc(32, 7),
    kdf: TEST_KDF,
    summarise: simpleSummary,
    idleTtlMs: 0,
    ...options,
  });
  return {
    directory,
    root,
    async cleanup() {
      await directory.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export function message(subject: string, body: string, extra = ''): Buffer {
  return Buffer.from(
    `From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.org>\r\n${extra}Date: Sun, 29 Nov 2026 12:00:00 +0000\r\n\r\n${body}\r\n`,
  );
}
