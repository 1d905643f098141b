import { ConflictError, NotFoundError, UsageError } from '../../core/errors.js';
import type { SqliteDatabase } from '../encrypted-sqlite.js';
import { statement } from './statements.js';
import type { FolderInfo, FolderStatus, SpecialUse } from './types.js';

/** Folder rows and the operations on them; every name is only ever stored inside the encrypted file. */
export interface FolderRow {
  id: number;
  name: string;
  special_use: SpecialUse | null;
  subscribed: number;
  uid_validity: number;
  uid_next: number;
  highest_modseq: number;
}

/** IMAP: "INBOX" is case-insensitive, every other name is exact. */
export function canonicalName(name: string): string {
  if (name.toUpperCase() === 'INBOX') return 'INBOX';
  if (/^inbox\//i.test(name)) return `INBOX${name.slice(5)}`;
  return name;
}

function validName(name: string): string {
  const canonical = canonicalName(name);
  if (!canonical || canonical.length > 512 || canonical.startsWith('/') || canonical.endsWith('/') || canonical.includes('//')) {
    throw new UsageError('invalid folder name');
  }
  if (/[\u0000-\u001f\u007f*%]/.test(canonical)) throw new UsageError('invalid folder name');
  return canonical;
}

export function getFolder(db: SqliteDatabase, name: string): FolderRow {
  const row = statement(db, 'select * from folders where name = ?').get(canonicalName(name)) as FolderRow | undefined;
  if (!row) throw new NotFoundError('no such folder');
  return row;
}

export function listFolders(db: SqliteDatabase): FolderInfo[] {
  const rows = statement(db, 'select * from folders order by name = \'INBOX\' desc, name').all() as FolderRow[];
  return rows.map((r) => ({
    name: r.name,
    ...(r.special_use ? { specialUse: r.special_use } : {}),
    subscribed: r.subscribed === 1,
  }));
}

function nextUidValidity(db: SqliteDatabase): number {
  const last = Number((statement(db, "select value from meta where key = 'last_uid_validity'").get() as { value: string } | undefined)?.value ?? 0);
  const value = Math.max(Math.floor(Date.now() / 1000), last + 1);
  statement(db, "insert or replace into meta (key, value) values ('last_uid_validity', ?)").run(String(value));
  return value;
}

export function createFolder(db: SqliteDatabase, name: string): void {
  const canonical = validName(name);
  db.transaction(() => {
    if (statement(db, 'select 1 from folders where name = ?').get(canonical)) throw new ConflictError('folder exists');
    statement(db, 'insert into folders (name, uid_validity) values (?, ?)').run(canonical, nextUidValidity(db));
  })();
}

/** Removes the folder and its messages; returns the content ids that may now be unreferenced. */
export function deleteFolder(db: SqliteDatabase, name: string): void {
  const folder = getFolder(db, name);
  if (folder.name === 'INBOX') throw new UsageError('INBOX cannot be deleted');
  db.transaction(() => {
    statement(db, 'delete from messages where folder_id = ?').run(folder.id);
    statement(db, 'delete from folders where id = ?').run(folder.id);
    collectGarbage(db);
  })();
}

/** Renames a folder and its children. Renaming INBOX moves its messages (RFC 9051 §6.3.6). */
export function renameFolder(db: SqliteDatabase, from: string, to: string, moveAll: (source: FolderRow, target: string) => void): void {
  const source = getFolder(db, from);
  const target = validName(to);
  db.transaction(() => {
    if (statement(db, 'select 1 from folders where name = ?').get(target)) throw new ConflictError('folder exists');
    if (source.name === 'INBOX') {
      createFolder(db, target);
      moveAll(source, target);
      return;
    }
    const children = statement(db, 'select id, name from folders where name like ? escape \'\\\'').all(`${likeEscape(source.name)}/%`) as FolderRow[];
    statement(db, 'update folders set name = ?, uid_validity = ? where id = ?').run(target, nextUidValidity(db), source.id);
    for (const child of children) {
      statement(db, 'update folders set name = ? where id = ?').run(target + child.name.slice(source.name.length), child.id);
    }
  })();
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function setSubscribed(db: SqliteDatabase, name: string, subscribed: boolean): void {
  const folder = getFolder(db, name);
  statement(db, 'update folders set subscribed = ? where id = ?').run(subscribed ? 1 : 0, folder.id);
}

export function folderFor(db: SqliteDatabase, use: SpecialUse): string {
  const row = statement(db, 'select name from folders where special_use = ?').get(use) as { name: string } | undefined;
  return row?.name ?? 'INBOX';
}

export function folderStatus(db: SqliteDatabase, name: string): FolderStatus {
  const folder = getFolder(db, name);
  const counts = statement(db, 
      `select count(*) as messages, coalesce(sum(recent), 0) as recent, coalesce(sum(size), 0) as size,
        coalesce(sum(case when exists (select 1 from json_each(flags) where value = '\\Seen') then 0 else 1 end), 0) as unseen
       from messages where folder_id = ?`,
    )
    .get(folder.id) as { messages: number; recent: number; size: number; unseen: number };
  return {
    name: folder.name,
    messages: counts.messages,
    recent: counts.recent,
    unseen: counts.unseen,
    uidNext: folder.uid_next,
    uidValidity: folder.uid_validity,
    highestModseq: folder.highest_modseq,
    size: counts.size,
  };
}

/** Deletes stored contents (and their search rows) no message refers to any more. */
export function collectGarbage(db: SqliteDatabase): void {
  const orphans = statement(db, 'select id from contents where not exists (select 1 from messages where messages.content_id = contents.id)')
    .pluck()
    .all() as number[];
  const deleteSearch = statement(db, 'delete from search where rowid = ?');
  const deleteContent = statement(db, 'delete from contents where id = ?');
  for (const id of orphans) {
    deleteSearch.run(id);
    deleteContent.run(id);
  }
}
