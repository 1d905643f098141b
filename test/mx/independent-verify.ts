import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface IndependentVerdict {
  dkim: Array<{ d: string; ok: boolean }>;
  arc: { cv: string; comment: string };
}

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'independent-verify.py');

/** Verifies DKIM signatures and the ARC chain of `raw` with python3-dkim against the given TXT zone. */
export function verifyIndependently(raw: Buffer, zone: Record<string, string>): IndependentVerdict {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-verify-'));
  try {
    const zoneFile = path.join(dir, 'zone.json');
    writeFileSync(zoneFile, JSON.stringify(zone));
    const out = execFileSync('/usr/bin/python3', [SCRIPT, zoneFile], { input: raw });
    return JSON.parse(out.toString()) as IndependentVerdict;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
