/** SEARCH / UID SEARCH, with ESEARCH's RETURN (MIN MAX COUNT ALL) and CONDSTORE's MODSEQ. */
import { bad, tokenText } from '../args.js';
import { compactSet } from '../encode.js';
import { checkCharset, parseSearch, runSearch, usesModseq } from '../search-keys.js';
import type { Token } from '../parser.js';
import type { CommandHandler } from './index.js';

export const search: CommandHandler = async ({ session, args, uid, tag }) => {
  const selected = session.requireSelected();
  const tokens: Token[] = [];
  while (args.remaining > 0) tokens.push(args.next('search key'));
  let returnOptions: string[] | undefined;
  if (tokens[0]?.type === 'atom' && tokens[0].value.toUpperCase() === 'RETURN') {
    const list = tokens[1];
    if (list?.type !== 'list') throw bad('RETURN needs a list');
    returnOptions = list.items.map((t) => tokenText(t).toUpperCase());
    if (returnOptions.some((o) => !['MIN', 'MAX', 'COUNT', 'ALL'].includes(o))) throw bad('Unsupported RETURN option');
    if (returnOptions.length === 0) returnOptions = ['ALL'];
    tokens.splice(0, 2);
  }
  if (tokens[0]?.type === 'atom' && tokens[0].value.toUpperCase() === 'CHARSET') {
    checkCharset(tokenText(tokens[1] ?? { type: 'nil' }));
    tokens.splice(0, 2);
  }
  const key = parseSearch(tokens);
  const found = await runSearch(key, selected, session.requireMailbox());
  const numbers = uid ? found : found.map((u) => selected.seqOf(u));
  const withModseq = usesModseq(key) && found.length > 0;
  const highest = withModseq ? Math.max(...found.map((u) => selected.meta.get(u)?.modseq ?? 0)) : 0;
  if (returnOptions) {
    let line = `ESEARCH (TAG "${tag}")${uid ? ' UID' : ''}`;
    if (numbers.length) {
      if (returnOptions.includes('MIN')) line += ` MIN ${Math.min(...numbers)}`;
      if (returnOptions.includes('MAX')) line += ` MAX ${Math.max(...numbers)}`;
      if (returnOptions.includes('ALL')) line += ` ALL ${compactSet(numbers)}`;
    }
    if (returnOptions.includes('COUNT')) line += ` COUNT ${numbers.length}`;
    if (withModseq) line += ` MODSEQ ${highest}`;
    session.untagged(line);
    return undefined;
  }
  session.untagged(`SEARCH${numbers.map((n) => ` ${n}`).join('')}${withModseq ? ` (MODSEQ ${highest})` : ''}`);
  return undefined;
};
