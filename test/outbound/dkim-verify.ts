import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dkim_verify.py');

export interface VerifiedSignature {
  selector: string;
  algorithm: string;
  domain: string;
  valid: boolean;
}

/** Verifies every DKIM signature of `raw` with python3-dkim, keys from `zone` (name → TXT value). */
export function verifyWithDkimpy(raw: Buffer, zone: Record<string, string>): VerifiedSignature[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-dkim-'));
  try {
    const zoneFile = path.join(dir, 'zone.json');
    writeFileSync(zoneFile, JSON.stringify(zone));
    const out = execFileSync('/usr/bin/python3', [SCRIPT, zoneFile], { input: raw });
    return (JSON.parse(out.toString()) as { signatures: VerifiedSignature[] }).signatures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The DKIM TXT records of `sealmail dns DOMAIN --json` output, as a zone for the verifier. */
export function dkimZone(records: Array<{ name: string; type: string; value: string }>): Record<string, string> {
  return Object.fromEntries(records.filter((r) => r.name.includes('._domainkey.')).map((r) => [r.name, r.value]));
}
