import { domainToASCII } from 'node:url';
import { UsageError } from './errors.js';

/** A normalised mail address: domain in lower-case punycode, local part lower-cased. */
export interface Address {
  local: string;
  domain: string;
}

const LOCAL_ATOM = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Normalises a domain name to lower-case ASCII (punycode for IDN); throws UsageError when invalid. */
export function normaliseDomain(input: string): string {
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed.length === 0 || trimmed.length > 253) throw new UsageError(`invalid domain "${clip(input)}"`);
  const ascii = domainToASCII(trimmed.toLowerCase());
  const labels = ascii.split('.');
  if (!ascii || labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) {
    throw new UsageError(`invalid domain "${clip(input)}"`);
  }
  if (/^\d+$/.test(labels.at(-1)!)) throw new UsageError(`invalid domain "${clip(input)}"`);
  return ascii;
}

/**
 * Parses `local@domain`. `*` as the whole local part is a catch-all and only allowed
 * when `allowCatchAll` is set (aliases may be catch-alls, recipients and targets may not).
 */
export function parseAddress(input: string, options: { allowCatchAll?: boolean } = {}): Address {
  const text = input.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`invalid address "${clip(input)}": expected local@domain`);
  const local = text.slice(0, at).toLowerCase();
  const domain = normaliseDomain(text.slice(at + 1));
  if (local === '*') {
    if (!options.allowCatchAll) throw new UsageError(`invalid address "${clip(input)}": catch-all not allowed here`);
    return { local, domain };
  }
  if (local.length > 64 || !LOCAL_ATOM.test(local)) {
    throw new UsageError(`invalid address "${clip(input)}": bad local part`);
  }
  return { local, domain };
}

export function formatAddress(address: Address): string {
  return `${address.local}@${address.domain}`;
}

export function normaliseAddress(input: string, options: { allowCatchAll?: boolean } = {}): string {
  return formatAddress(parseAddress(input, options));
}

/** The addresses to look up for a recipient, most specific first: exact, without +tag, catch-all. */
export function lookupCandidates(recipient: string): string[] {
  const { local, domain } = parseAddress(recipient);
  const candidates = [`${local}@${domain}`];
  const plus = local.indexOf('+');
  if (plus > 0) candidates.push(`${local.slice(0, plus)}@${domain}`);
  candidates.push(`*@${domain}`);
  return candidates;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
