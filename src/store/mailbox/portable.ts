import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { MailboxSession } from './types.js';

/**
 * Export and import (the GDPR right to one's data): mboxrd with every folder, and Maildir(++).
 * A message's folder and flags travel in X-Sealmail-Folder / X-Sealmail-Flags headers, which
 * import reads and removes again, so export → import round-trips a whole mailbox.
 */
export interface PortableMessage {
  raw: Buffer;
  folder?: string;
  flags?: string[];
  internalDate?: Date;
}

const FOLDER_HEADER = 'X-Sealmail-Folder';
const FLAGS_HEADER = 'X-Sealmail-Flags';

function asctime(date: Date): string {
  return date.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, (_m, d, day, mon, year, time) => `${d} ${mon} ${String(day).padStart(2, ' ')} ${time} ${year}`);
}

/** Writes every folder's messages as mboxrd through `write` (LF line endings, ">From " escaped). */
export async function exportMbox(session: MailboxSession, write: (chunk: Buffer) => void): Promise<number> {
  let count = 0;
  for (const folder of await session.listFolders()) {
    for (const meta of await session.list(folder.name)) {
      const raw = (await session.read(folder.name, meta.uid)).toString('latin1').replace(/\r\n/g, '\n');
      const extra = `${FOLDER_HEADER}: ${encodeURIComponent(folder.name)}\n${meta.flags.length ? `${FLAGS_HEADER}: ${meta.flags.join(' ')}\n` : ''}`;
      const escaped = (extra + raw).replace(/^(>*From )/gm, '>$1');
      const body = escaped.endsWith('\n') ? escaped : `${escaped}\n`;
      write(Buffer.from(`From MAILER-DAEMON ${asctime(new Date(meta.internalDate))}\n${body}\n`, 'latin1'));
      count += 1;
    }
  }
  return count;
}

export function parseMbox(data: Buffer): PortableMessage[] {
  const text = data.toString('latin1');
  if (text.length && !text.startsWith('From ')) throw new UsageError('not an mbox file (it must start with a "From " line)');
  const messages: PortableMessage[] = [];
  const parts = text.split(/^From (.*)\r?\n/m);
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const unescaped = parts[i + 1]!.replace(/\r?\n$/, '').replace(/^>(>*From )/gm, '$1');
    const message = fromExported(Buffer.from(unescaped.replace(/\r?\n/g, '\r\n'), 'latin1'));
    const date = new Date(`${parts[i]!.replace(/^\S+\s+/, '')} UTC`);
    if (!Number.isNaN(date.getTime())) message.internalDate = date;
    messages.push(message);
  }
  return messages;
}

/** Reads our own headers back out of an exported message. */
function fromExported(raw: Buffer): PortableMessage {
  let text = raw.toString('latin1');
  const message: PortableMessage = { raw };
  const folder = new RegExp(`^${FOLDER_HEADER}: (.*)\\r\\n`, 'm');
  const flags = new RegExp(`^${FLAGS_HEADER}: (.*)\\r\\n`, 'm');
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd >= 0 ? text.slice(0, headEnd + 2) : text;
  const folderMatch = folder.exec(head);
  const flagsMatch = flags.exec(head);
  if (folderMatch) message.folder = decodeURIComponent(folderMatch[1]!);
  if (flagsMatch) message.flags = flagsMatch[1]!.split(' ').filter(Boolean);
  if (folderMatch || flagsMatch) {
    text = head.replace(folder, '').replace(flags, '') + text.slice(head.length);
    message.raw = Buffer.from(text, 'latin1');
  }
  return message;
}

const MAILDIR_FLAGS: Record<string, string> = { D: '\\Draft', F: '\\Flagged', R: '\\Answered', S: '\\Seen', T: '\\Deleted' };

/** Maildir or Maildir++: `cur`/`new` at the top are INBOX, `.Sub.Folder` directories are folders. */
export function readMaildir(root: string): PortableMessage[] {
  const messages: PortableMessage[] = [];
  const readFolder = (dir: string, folder: string) => {
    for (const sub of ['new', 'cur']) {
      const full = path.join(dir, sub);
      let names: string[];
      try {
        names = readdirSync(full);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        const file = path.join(full, name);
        const info = statSync(file);
        if (!info.isFile()) continue;
        const flagPart = /:2,([A-Z]*)$/.exec(name)?.[1] ?? '';
        const flags = [...flagPart].map((c) => MAILDIR_FLAGS[c]).filter((f): f is string => Boolean(f));
        messages.push({ raw: Buffer.from(readFileSync(file).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'), folder, flags, internalDate: info.mtime });
      }
    }
  };
  if (!['cur', 'new'].some((d) => statSync(path.join(root, d), { throwIfNoEntry: false })?.isDirectory())) {
    throw new UsageError('not a Maildir (no cur/ or new/ directory)');
  }
  readFolder(root, 'INBOX');
  for (const entry of readdirSync(root).sort()) {
    if (entry.startsWith('.') && entry.length > 1 && statSync(path.join(root, entry)).isDirectory()) {
      readFolder(path.join(root, entry), entry.slice(1).replace(/\./g, '/'));
    }
  }
  return messages;
}

/** Appends every message, creating folders as needed; returns how many were stored. */
export async function importMessages(session: MailboxSession, messages: PortableMessage[]): Promise<number> {
  const existing = new Set((await session.listFolders()).map((f) => f.name));
  let count = 0;
  for (const message of messages) {
    const folder = message.folder && message.folder.toUpperCase() !== 'INBOX' ? message.folder : 'INBOX';
    if (!existing.has(folder)) {
      await session.createFolder(folder);
      existing.add(folder);
    }
    await session.append(folder, message.raw, {
      ...(message.flags ? { flags: message.flags } : {}),
      ...(message.internalDate ? { internalDate: message.internalDate } : {}),
    });
    count += 1;
  }
  return count;
}
