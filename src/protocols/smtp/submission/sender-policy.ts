import addressparser from 'nodemailer/lib/addressparser';
import { lookupCandidates } from '../../../core/address.js';

/**
 * Whether `address` is the authenticated alias itself or a +tag of it. Anything else, another
 * alias of the same domain included, is spoofing.
 */
export function senderBelongsTo(user: string, address: string): boolean {
  try {
    const [exact, untagged] = lookupCandidates(address);
    return exact === user || (untagged !== undefined && !untagged.startsWith('*@') && untagged === user);
  } catch {
    return false;
  }
}

/** The header section (up to the first empty line), unfolded, as name/value pairs. */
export function headerFields(raw: Buffer): Array<{ name: string; value: string }> {
  const end = raw.indexOf('\r\n\r\n');
  const endLf = raw.indexOf('\n\n');
  const cut = end >= 0 ? end : endLf >= 0 ? endLf : raw.length;
  const text = raw.subarray(0, cut).toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
  return text
    .split(/\r?\n/)
    .map((line) => {
      const colon = line.indexOf(':');
      return colon > 0 ? { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() } : undefined;
    })
    .filter((f): f is { name: string; value: string } => f !== undefined);
}

/** Every mailbox in every From: field (groups flattened); an empty list when there is none. */
export function fromAddresses(raw: Buffer): string[] {
  const values = headerFields(raw)
    .filter((f) => f.name === 'from')
    .map((f) => f.value);
  const flatten = (entries: ReturnType<typeof addressparser>): string[] =>
    entries.flatMap((e) => ('group' in e && e.group ? flatten(e.group) : 'address' in e && e.address ? [e.address] : []));
  return values.flatMap((v) => flatten(addressparser(v)));
}
