import { remove } from 'confusables';
import { domainToUnicode } from 'node:url';
import { getDomain } from 'tldts';

/** The registrable domain (eTLD+1) of a host, or the host itself for IPs and oddities. */
export function registrable(host: string): string {
  return getDomain(host) ?? host;
}

/** A dotted IPv4, a bracketed IPv6, or the decimal/hex integer forms browsers accept. */
export function isIpLiteral(host: string): boolean {
  if (host.startsWith('[')) return true;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || /^(0x[0-9a-f]{1,8}|\d{8,10})$/i.test(host);
}

export function unicodeHost(host: string): string {
  return domainToUnicode(host) || host;
}

/**
 * The skeleton of a name: confusable characters folded to their Latin lookalike, then the
 * usual digit and letter-pair tricks (0→o, 1→l, rn→m, vv→w). Two names with the same skeleton
 * look the same to a reader.
 */
export function skeleton(name: string): string {
  return remove(name.normalize('NFKC'))
    .toLowerCase()
    .replace(/0/g, 'o')
    .replace(/[1|!]/g, 'l')
    .replace(/i/g, 'l')
    .replace(/3/g, 'e')
    .replace(/5/g, 's')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/cl/g, 'd');
}

type Script = 'latin' | 'cyrillic' | 'greek' | 'other';
function scriptOf(char: string): Script | undefined {
  if (/\p{Script=Latin}/u.test(char)) return 'latin';
  if (/\p{Script=Cyrillic}/u.test(char)) return 'cyrillic';
  if (/\p{Script=Greek}/u.test(char)) return 'greek';
  if (/[\p{L}]/u.test(char)) return 'other';
  return undefined;
}

/** A word mixing Latin with Cyrillic or Greek letters: `Binаnсе` with a Cyrillic а and с. */
export function isMixedScript(word: string): boolean {
  const scripts = new Set<Script>();
  for (const char of word) {
    const script = scriptOf(char);
    if (script) scripts.add(script);
  }
  return scripts.has('latin') && (scripts.has('cyrillic') || scripts.has('greek'));
}

export function editDistanceAtMostOne(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else if (a[i + 1] === b[j] && a[i] === b[j + 1]) {
      i += 2; // transposition
      j += 2;
    } else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
