import type { Link } from './types.js';

/**
 * A small linear-time HTML reader for classification: the text a reader sees and the links.
 * Not a renderer: it only has to be good enough for tokens and link checks, and it walks the
 * input once with indexOf (no backtracking regex), so a huge or hostile HTML part costs
 * time proportional to its (capped) length.
 */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
const SKIPPED = new Set(['script', 'style', 'head', 'title']);

export interface HtmlContent {
  text: string;
  links: Link[];
  credentialForm: boolean;
}

export function readHtml(html: string, maxLinks: number): HtmlContent {
  const text: string[] = [];
  const links: Link[] = [];
  let anchor: { href: string; start: number } | undefined;
  let hasForm = false;
  let hasPassword = false;
  let position = 0;
  const lower = html.toLowerCase();
  while (position < html.length) {
    const open = html.indexOf('<', position);
    const chunkEnd = open === -1 ? html.length : open;
    if (chunkEnd > position) text.push(decodeEntities(html.slice(position, chunkEnd)));
    if (open === -1) break;
    if (html.startsWith('<!--', open)) {
      const end = html.indexOf('-->', open + 4);
      position = end === -1 ? html.length : end + 3;
      continue;
    }
    const close = html.indexOf('>', open + 1);
    if (close === -1) break;
    const tag = html.slice(open + 1, close);
    position = close + 1;
    const name = /^\/?([a-zA-Z][a-zA-Z0-9]*)/.exec(tag)?.[1]?.toLowerCase();
    if (!name) continue;
    const closing = tag[0] === '/';
    if (!closing && SKIPPED.has(name)) {
      const end = lower.indexOf(`</${name}`, position);
      position = end === -1 ? html.length : end;
      continue;
    }
    if (name === 'form' && !closing) hasForm = true;
    if (name === 'input' && /type\s*=\s*["']?password/i.test(tag)) hasPassword = true;
    if (name === 'a') {
      if (anchor) finishAnchor();
      if (!closing) {
        const href = HREF.exec(tag);
        if (href) anchor = { href: decodeEntities(href[1] ?? href[2] ?? href[3] ?? '').trim(), start: text.length };
      }
    }
    if (BLOCK.has(name)) text.push(' ');
  }
  if (anchor) finishAnchor();
  return { text: text.join('').replace(/\s+/g, ' ').trim(), links, credentialForm: hasForm && hasPassword };

  function finishAnchor(): void {
    if (anchor && links.length < maxLinks) {
      links.push({ href: anchor.href, text: text.slice(anchor.start).join('').replace(/\s+/g, ' ').trim() });
    }
    anchor = undefined;
  }
}

const BLOCK = new Set(['br', 'p', 'div', 'td', 'tr', 'li', 'table', 'h1', 'h2', 'h3', 'h4', 'a']);

const BARE_URL = /\bhttps?:\/\/[^\s<>"')\]]{1,2000}/gi;

export function textLinks(text: string, max: number): Link[] {
  const links: Link[] = [];
  for (const match of text.matchAll(BARE_URL)) {
    if (links.length >= max) break;
    links.push({ href: match[0], text: '' });
  }
  return links;
}
