import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dkimVerify } from 'mailauth';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/logger.js';
import type { DkimKeyRepository } from '../store/control/types.js';
import { verifyIndependently } from '../../test/mx/independent-verify.js';
import { createArcSealer, loadArcKey } from './arc-seal.js';
import { createDkimSigner } from './dkim-signer.js';
import { dkimRecordValue, generateDkimKeys } from './dkim-keys.js';

const message = Buffer.from('From: a@example.com\r\nTo: b@example.net\r\nSubject: tick\r\nMessage-ID: <t@example.com>\r\n\r\nHello.\r\n');

/** A clock that moves 700 ms every time it is read, as on a busy machine: any second reading differs. */
function tickingClock() {
  let now = Date.parse('2026-11-29T12:00:00.400Z');
  vi.spyOn(Date, 'now').mockImplementation(() => (now += 700));
}

describe('signatures carry the time they were made over', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('DKIM: both keys verify however the clock moves while signing', async () => {
    const master = randomBytes(32);
    const keys = generateDkimKeys('example.com', master);
    const repository = { list: async () => keys } as unknown as DkimKeyRepository;
    const signer = createDkimSigner({ keys: repository, masterKey: master, log: createLogger({ level: 'silent' }), cacheMs: 0 });
    const zone = new Map(keys.map((k) => [`${k.selector}._domainkey.example.com`, dkimRecordValue(k)]));
    tickingClock();
    const signed = await signer.sign(message, 'example.com');
    vi.restoreAllMocks();
    const result = await dkimVerify(signed, {
      resolver: async (name: string) => {
        const value = zone.get(name);
        if (!value) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        return [[value]];
      },
    } as never);
    expect(result.results.map((r: { status: { result: string } }) => r.status.result)).toEqual(['pass', 'pass']);
  });

  it('ARC: the set verifies (python3-dkim) however the clock moves while sealing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-arc-'));
    try {
      const key = loadArcKey(dir, randomBytes(32), 'mx.example.com');
      tickingClock();
      const sealed = await createArcSealer(key).seal(message, { cv: 'none', authResults: 'mx.example.com; none' });
      vi.restoreAllMocks();
      expect(verifyIndependently(sealed, { 'arc._domainkey.mx.example.com': key.dnsRecord }).arc.cv).toBe('pass');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
