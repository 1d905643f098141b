/** LIST (with LIST-EXTENDED's SPECIAL-USE selection/return) and LSUB. */
import type { FolderInfo } from '../../../store/mailbox/types.js';
import { bad, tokenText } from '../args.js';
import { decodeMailboxName, mailboxName } from '../encode.js';
import type { CommandHandler, CommandInput } from './index.js';

function patternRegExp(reference: string, pattern: string): RegExp {
  const full = reference + pattern;
  const source = [...full]
    .map((char) => (char === '*' ? '.*' : char === '%' ? '[^/]*' : char.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, /^inbox/i.test(full) ? 'i' : '');
}

async function listing({ session, args }: CommandInput, lsub: boolean) {
  const mailbox = session.requireMailbox();
  let specialOnly = false;
  let subscribedOnly = lsub;
  const selection = lsub ? undefined : args.optionalList();
  for (const option of selection ?? []) {
    const value = tokenText(option).toUpperCase();
    if (value === 'SPECIAL-USE') specialOnly = true;
    else if (value === 'SUBSCRIBED') subscribedOnly = true;
    else if (value !== 'REMOTE' && value !== 'RECURSIVEMATCH') throw bad('Unsupported LIST selection option');
  }
  const reference = decodeMailboxName(args.string('reference'));
  const patterns: string[] = [];
  const patternToken = args.next('pattern');
  for (const token of patternToken.type === 'list' ? patternToken.items : [patternToken]) patterns.push(tokenText(token));
  let returnSpecial = true;
  if (args.remaining > 0) {
    if (args.atom('RETURN').toUpperCase() !== 'RETURN') throw bad('Expected RETURN');
    returnSpecial = false;
    for (const option of args.list('return options')) {
      const value = tokenText(option).toUpperCase();
      if (value === 'SPECIAL-USE') returnSpecial = true;
      else if (value !== 'SUBSCRIBED' && value !== 'CHILDREN' && value !== 'STATUS') throw bad('Unsupported RETURN option');
    }
  }
  args.end();
  if (reference === undefined) throw bad('Invalid reference name');
  const command = lsub ? 'LSUB' : 'LIST';
  if (patterns.length === 1 && patterns[0] === '') {
    session.untagged(`${command} (\\Noselect) "/" ""`);
    return undefined;
  }
  const decoded = patterns.map((pattern) => decodeMailboxName(pattern));
  if (decoded.some((pattern) => pattern === undefined)) throw bad('Invalid mailbox pattern');
  const matchers = (decoded as string[]).map((pattern) => patternRegExp(reference, pattern));
  const folders = await mailbox.listFolders();
  const names = new Set(folders.map((f) => f.name));
  for (const folder of folders.sort(byName)) {
    if (!matchers.some((matcher) => matcher.test(folder.name))) continue;
    if (subscribedOnly && !folder.subscribed) continue;
    if (specialOnly && !folder.specialUse) continue;
    const attributes: string[] = [];
    const hasChildren = [...names].some((name) => name.startsWith(`${folder.name}/`));
    attributes.push(hasChildren ? '\\HasChildren' : '\\HasNoChildren');
    if (!lsub && subscribedOnly) attributes.push('\\Subscribed');
    if (returnSpecial && folder.specialUse && folder.specialUse !== '\\Inbox') attributes.push(folder.specialUse);
    session.untagged(Buffer.concat([Buffer.from(`${command} (${attributes.join(' ')}) "/" `), mailboxName(folder.name)]));
  }
  return undefined;
}

const byName = (a: FolderInfo, b: FolderInfo) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name.localeCompare(b.name));

export const list: CommandHandler = (input) => listing(input, false);
export const lsub: CommandHandler = (input) => listing(input, true);
