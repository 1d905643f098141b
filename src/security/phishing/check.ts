import { readHtml } from '../content/html.js';
import type { Finding, ParsedMessage } from '../content/types.js';
import { hostOf } from '../spam/tokenize.js';
import type { BadDomains } from './bad-domains.js';
import { BRANDS } from './brands.js';
import { editDistanceAtMostOne, isIpLiteral, isMixedScript, registrable, skeleton, unicodeHost } from './domains.js';

export interface PhishingContext {
  /** domains of the envelope recipients (our own hosted domains) */
  recipientDomains: string[];
  /** extra domains to protect against lookalikes (config) */
  protectedDomains: string[];
  badDomains: BadDomains;
}

const SHORTENERS = new Set([
  'bit.ly', 'bitly.com', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'buff.ly', 'rebrand.ly', 'cutt.ly',
  'shorturl.at', 'tiny.cc', 'rb.gy', 't.ly', 'v.gd', 'bl.ink', 'short.io', 'tiny.one', 's.id', 'lnkd.in', 'qrco.de',
  'shorte.st', 'adf.ly', 'x.co', 'clck.ru', 'u.to', 'surl.li', 'urlz.fr', 'n9.cl', 'bit.do',
]);
const DOMAIN_IN_TEXT = /\b(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,12})\b/i;

const GREEK_OR_CYRILLIC = /[\u0370-\u03ff\u0400-\u052f]/;

/** Brand-name keys short enough to occur inside other words: matched as whole words only. */
const WHOLE_WORD_ONLY = 6;

export function phishingFindings(message: ParsedMessage, context: PhishingContext): Finding[] {
  const found = new Map<string, Finding>();
  const add = (result: string, detail: string) => {
    const key = `${result}:${detail}`;
    if (!found.has(key) && found.size < 50) found.set(key, { check: 'phishing', result, detail: detail.slice(0, 200) });
  };
  const protectedLabels = protectedNames(context);
  const fromDomain = message.from?.domain ?? '';
  const fromRegistrable = fromDomain ? registrable(fromDomain) : '';
  const displayName = message.from?.name ?? '';

  // display names that borrow the recipient's own domain or a brand while sent from elsewhere
  for (const domain of context.recipientDomains) {
    const own = registrable(domain);
    const label = own.split('.')[0] ?? '';
    const name = displayName.toLowerCase();
    if (fromRegistrable === own || !name) continue;
    if (name.includes(own) || (label.length >= 4 && new RegExp(`\\b${escapeRegExp(label)}\\b`).test(name))) {
      add('DISPLAY_NAME_SPOOFS_RECIPIENT_DOMAIN', `${own} shown, sent from ${fromRegistrable || 'nowhere'}`);
    }
  }
  const brand = brandIn(displayName);
  if (brand && fromRegistrable && !isBrandDomain(brand, fromRegistrable)) {
    add('DISPLAY_NAME_BRAND_MISMATCH', `${brand} shown, sent from ${fromRegistrable}`);
  }

  // every domain the message names: sender, reply-to, links
  const hosts = new Set<string>();
  if (fromDomain) hosts.add(fromDomain);
  if (message.replyToDomain) hosts.add(message.replyToDomain);
  for (const link of message.links) {
    const host = hostOf(link.href);
    if (!host) continue;
    hosts.add(host);
    if (isIpLiteral(host)) add('URL_IP_LITERAL', host);
    if (SHORTENERS.has(registrable(host)) || SHORTENERS.has(host)) add('URL_SHORTENER', host);
    const shown = DOMAIN_IN_TEXT.exec(link.text)?.[1]?.toLowerCase();
    if (!shown || !looksLikeHostname(shown)) continue;
    const target = isIpLiteral(host) ? host : registrable(host);
    const shownDomain = registrable(shown);
    if (shownDomain === target) continue;
    // Text that shows a brand or one of our domains while the link goes elsewhere is the phisher's
    // trick; other mismatches are mostly newsletters' click trackers, and weigh less.
    const showsProtected = protectedLabels.has(skeleton(shownDomain.split('.')[0] ?? ''));
    // A newsletter that counts clicks through its own (From) domain deceives no one.
    if (!showsProtected && target === fromRegistrable) continue;
    const detail = `text shows ${isIpLiteral(host) ? shown : shownDomain}, link goes to ${target}`;
    add(showsProtected ? 'LINK_TEXT_BRAND_MISMATCH' : 'LINK_TEXT_DOMAIN_MISMATCH', detail);
  }
  for (const host of hosts) {
    const listed = context.badDomains.match(host);
    if (listed) add('KNOWN_BAD_DOMAIN', listed);
    if (isIpLiteral(host)) continue;
    const unicode = unicodeHost(host);
    const own = registrable(host);
    if (unicode !== host && unicode.split('.').some(isMixedScript)) add('IDN_MIXED_SCRIPT', host);
    const label = skeleton(registrable(unicode).split('.')[0] ?? '');
    const subdomainParts = new Set(host.split('.').slice(0, -2).map(skeleton));
    for (const [name, legitimate] of protectedLabels) {
      if (legitimate.has(own)) continue;
      if (label === name) add(unicode !== host ? 'IDN_HOMOGRAPH' : 'LOOKALIKE_DOMAIN', `${host} imitates ${name}`);
      else if (name.length >= 6 && editDistanceAtMostOne(label, name)) add('LOOKALIKE_DOMAIN', `${host} imitates ${name}`);
      else if (name.length >= WHOLE_WORD_ONLY && subdomainParts.has(name)) {
        add('BRAND_IN_SUBDOMAIN', `${host} carries ${name}`);
      } else if (name.length >= WHOLE_WORD_ONLY && label.includes(name)) {
        add('BRAND_IN_DOMAIN_NAME', `${own} contains ${name}`);
      }
    }
  }

  // words that mix scripts: a Cyrillic а inside a Latin brand name
  const mixed = [message.subject, displayName].join(' ').split(/\s+/).filter(isMixedScript);
  if (mixed.length > 0) add('MIXED_SCRIPT_TEXT', `${mixed.length} word(s) in subject or sender name`);
  const body = message.text.slice(0, 20_000);
  const bodyMixed = GREEK_OR_CYRILLIC.test(body) ? body.split(/\s+/).filter(isMixedScript).length : 0;
  if (bodyMixed >= 3) add('MIXED_SCRIPT_BODY', `${bodyMixed} words`);

  if (message.credentialForm) add('BODY_CREDENTIAL_FORM', 'form asks for a password');
  for (const attachment of message.attachments) {
    const isHtml = /\.(s?html?|xhtml|svg)$/i.test(attachment.filename) || /html|svg/i.test(attachment.contentType);
    if (!isHtml) continue;
    const html = attachment.content.subarray(0, 1024 * 1024).toString('utf8');
    if (readHtml(html, 0).credentialForm) add('HTML_ATTACHMENT_CREDENTIAL_FORM', attachment.filename.slice(0, 100));
    else if (/<script\b/i.test(html) && /(location\s*[.=]|atob\s*\(|unescape\s*\(|fetch\s*\()/i.test(html)) {
      add('HTML_ATTACHMENT_SCRIPT', attachment.filename.slice(0, 100));
    }
  }
  return [...found.values()];
}

/** Brand names folded to skeletons once: the table is constant. */
const BRAND_SKELETONS: [string, string, Set<string>][] = Object.entries(BRANDS).map(([brand, domains]) => [
  brand,
  skeleton(brand),
  new Set(domains),
]);

function protectedNames(context: PhishingContext): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  for (const [brand, folded, domains] of BRAND_SKELETONS) {
    if (brand.length >= 4) names.set(folded, domains);
  }
  for (const domain of [...context.protectedDomains, ...context.recipientDomains]) {
    const own = registrable(domain);
    const label = skeleton(own.split('.')[0] ?? '');
    if (label.length < 4) continue;
    names.set(label, new Set([...(names.get(label) ?? []), own]));
  }
  return names;
}

function brandIn(displayName: string): string | undefined {
  if (!displayName) return undefined;
  const folded = skeleton(displayName);
  const compact = folded.replace(/[^a-z]/g, '');
  for (const [brand, brandSkeleton] of BRAND_SKELETONS) {
    const hit =
      brand.length >= WHOLE_WORD_ONLY ? compact.includes(brandSkeleton) : new RegExp(`\\b${brand}\\b`).test(folded);
    if (hit) return brand;
  }
  return undefined;
}

function isBrandDomain(brand: string, domain: string): boolean {
  return (BRANDS[brand] ?? []).includes(domain) || domain.replace(/[^a-z]/g, '').includes(brand);
}

function looksLikeHostname(text: string): boolean {
  return /\.(com|net|org|info|biz|co|io|de|uk|fr|ru|br|us|gov|edu|me|app|xyz|online|site|top)$/.test(text) || text.startsWith('www.');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
