import { AppError, NotFoundError } from '../../core/errors.js';
import type { SqliteDatabase } from '../encrypted-sqlite.js';
import { statement } from './statements.js';
import { collectGarbage, type FolderRow, getFolder } from './folder-ops.js';
import { decompress, type PreparedMessage } from './ingest.js';
import type { FlagChange, FlagMode, MessageMeta, MessageSummary } from './types.js';

interface MessageRow {
  folder_id: number;
  uid: number;
  modseq: number;
  flags: string;
  internal_date: string;
  size: number;
  content_id: number;
}

export function nextModseq(db: SqliteDatabase): number {
  const row = statement(db, "update meta set value = cast(value as integer) + 1 where key = 'modseq' returning value").get() as {
    value: string | number;
  };
  return Number(row.value);
}

function touchFolder(db: SqliteDatabase, folderId: number, modseq: number): void {
  statement(db, 'update folders set highest_modseq = max(highest_modseq, ?) where id = ?').run(modseq, folderId);
}

function allocateUid(db: SqliteDatabase, folderId: number): number {
  const row = statement(db, 'update folders set uid_next = uid_next + 1 where id = ? returning uid_next - 1 as uid').get(folderId) as { uid: number };
  return row.uid;
}

function toMeta(row: MessageRow): MessageMeta {
  return { uid: row.uid, modseq: row.modseq, flags: JSON.parse(row.flags) as string[], internalDate: row.internal_date, size: row.size };
}

export function normaliseFlags(flags: string[]): string[] {
  const seen = new Map<string, string>();
  for (const flag of flags) {
    if (flag === '\\Recent' || !flag) continue;
    const key = flag.startsWith('\\') ? flag.toLowerCase() : flag;
    if (!seen.has(key)) seen.set(key, flag);
  }
  return [...seen.values()];
}

/** Stores one prepared message (inside the caller's transaction). */
export function insertMessage(
  db: SqliteDatabase,
  folder: FolderRow,
  message: PreparedMessage,
  flags: string[],
  internalDate: Date,
): MessageMeta {
  const content = statement(db, 'insert into contents (raw, envelope, body_structure) values (?, ?, ?)')
    .run(message.compressed, message.envelope, message.bodyStructure);
  const contentId = Number(content.lastInsertRowid);
  statement(db, 'insert into search (rowid, headers, body) values (?, ?, ?)').run(contentId, message.headersText, message.bodyText);
  const uid = allocateUid(db, folder.id);
  const modseq = nextModseq(db);
  const meta: MessageMeta = { uid, modseq, flags: normaliseFlags(flags), internalDate: internalDate.toISOString(), size: message.size };
  statement(db, 
    'insert into messages (folder_id, uid, modseq, flags, internal_date, size, content_id) values (?, ?, ?, ?, ?, ?, ?)',
  ).run(folder.id, uid, modseq, JSON.stringify(meta.flags), meta.internalDate, meta.size, contentId);
  touchFolder(db, folder.id, modseq);
  return meta;
}

export function listMessages(db: SqliteDatabase, folder: string, sinceModseq?: number): MessageMeta[] {
  const f = getFolder(db, folder);
  const rows = statement(db, 'select * from messages where folder_id = ? and modseq > ? order by uid')
    .all(f.id, sinceModseq ?? 0) as MessageRow[];
  return rows.map(toMeta);
}

export function summaries(db: SqliteDatabase, folder: string, uids: number[]): MessageSummary[] {
  const f = getFolder(db, folder);
  const select = statement(
    db,
    'select m.*, c.envelope, c.body_structure from messages m join contents c on c.id = m.content_id where m.folder_id = ? and m.uid = ?',
  );
  const result: MessageSummary[] = [];
  for (const uid of [...new Set(uids)].sort((a, b) => a - b)) {
    const row = select.get(f.id, uid) as (MessageRow & { envelope: string; body_structure: string }) | undefined;
    if (row) result.push({ ...toMeta(row), envelope: JSON.parse(row.envelope), bodyStructure: JSON.parse(row.body_structure) });
  }
  return result;
}

export function readRaw(db: SqliteDatabase, folder: string, uid: number): Buffer {
  const f = getFolder(db, folder);
  const row = statement(db, 'select c.raw from messages m join contents c on c.id = m.content_id where m.folder_id = ? and m.uid = ?')
    .get(f.id, uid) as { raw: Buffer } | undefined;
  if (!row) throw new NotFoundError('no such message');
  try {
    return decompress(row.raw);
  } catch (error) {
    throw new AppError('mailbox_damaged', 'stored message is damaged', { cause: error, temporary: true });
  }
}

export function setFlags(
  db: SqliteDatabase,
  folder: string,
  uids: number[],
  mode: FlagMode,
  flags: string[],
  unchangedSince?: number,
): { changed: FlagChange[]; failedModified: number[] } {
  const f = getFolder(db, folder);
  const given = normaliseFlags(flags);
  const changed: FlagChange[] = [];
  const failedModified: number[] = [];
  db.transaction(() => {
    const select = statement(db, 'select * from messages where folder_id = ? and uid = ?');
    const update = statement(db, 'update messages set flags = ?, modseq = ?, recent = 0 where folder_id = ? and uid = ?');
    for (const uid of [...new Set(uids)].sort((a, b) => a - b)) {
      const row = select.get(f.id, uid) as MessageRow | undefined;
      if (!row) continue;
      if (unchangedSince !== undefined && row.modseq > unchangedSince) {
        failedModified.push(uid);
        continue;
      }
      const current = JSON.parse(row.flags) as string[];
      const next = applyFlags(current, mode, given);
      if (sameFlags(current, next)) continue;
      const modseq = nextModseq(db);
      update.run(JSON.stringify(next), modseq, f.id, uid);
      touchFolder(db, f.id, modseq);
      changed.push({ uid, modseq, flags: next });
    }
  })();
  return { changed, failedModified };
}

function applyFlags(current: string[], mode: FlagMode, given: string[]): string[] {
  const key = (flag: string) => (flag.startsWith('\\') ? flag.toLowerCase() : flag);
  if (mode === 'replace') return given;
  if (mode === 'add') return normaliseFlags([...current, ...given]);
  const removed = new Set(given.map(key));
  return current.filter((flag) => !removed.has(key(flag)));
}

function sameFlags(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((flag) => b.includes(flag));
}

export function copyMessages(db: SqliteDatabase, folder: string, uids: number[], destination: string): Map<number, number> {
  const source = getFolder(db, folder);
  const target = getFolder(db, destination);
  const mapping = new Map<number, number>();
  db.transaction(() => {
    const select = statement(db, 'select * from messages where folder_id = ? and uid = ?');
    const insert = statement(db, 
      'insert into messages (folder_id, uid, modseq, flags, internal_date, size, content_id) values (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const uid of [...new Set(uids)].sort((a, b) => a - b)) {
      const row = select.get(source.id, uid) as MessageRow | undefined;
      if (!row) continue;
      const newUid = allocateUid(db, target.id);
      const modseq = nextModseq(db);
      insert.run(target.id, newUid, modseq, row.flags, row.internal_date, row.size, row.content_id);
      touchFolder(db, target.id, modseq);
      mapping.set(uid, newUid);
    }
  })();
  return mapping;
}

/** Deletes the given UIDs (or every \Deleted one when `onlyDeleted`); returns what was removed. */
export function removeMessages(db: SqliteDatabase, folder: string, uids: number[] | undefined, onlyDeleted: boolean): number[] {
  const f = getFolder(db, folder);
  const removed: number[] = [];
  db.transaction(() => {
    const rows = statement(db, 'select uid, flags from messages where folder_id = ? order by uid').all(f.id) as Array<{ uid: number; flags: string }>;
    const wanted = uids ? new Set(uids) : undefined;
    const del = statement(db, 'delete from messages where folder_id = ? and uid = ?');
    for (const row of rows) {
      if (wanted && !wanted.has(row.uid)) continue;
      if (onlyDeleted && !(JSON.parse(row.flags) as string[]).some((flag) => flag.toLowerCase() === '\\deleted')) continue;
      del.run(f.id, row.uid);
      removed.push(row.uid);
    }
    if (removed.length) {
      touchFolder(db, f.id, nextModseq(db));
      collectGarbage(db);
    }
  })();
  return removed;
}

/** FTS5 for TEXT/BODY (word and phrase matches), a substring scan of the decoded header lines for HEADER. */
export function searchText(db: SqliteDatabase, folder: string, query: { text?: string; body?: string; header?: [string, string] }): number[] {
  const f = getFolder(db, folder);
  let uids = (statement(db, 'select uid from messages where folder_id = ? order by uid').pluck().all(f.id) as number[]);
  const ftsMatch = (expression: string) =>
    new Set(
      statement(db, 'select m.uid from search s join messages m on m.content_id = s.rowid where search match ? and m.folder_id = ?')
        .pluck()
        .all(expression, f.id) as number[],
    );
  if (query.text) {
    const hits = ftsMatch(phrase(query.text));
    uids = uids.filter((uid) => hits.has(uid));
  }
  if (query.body) {
    const hits = ftsMatch(`body : ${phrase(query.body)}`);
    uids = uids.filter((uid) => hits.has(uid));
  }
  if (query.header) {
    // The decoded header lines kept in the search index: no message is decompressed to search them.
    const [name, value] = query.header;
    const pattern = new RegExp(`^${escapeRegex(name)}:[^\\n]*${escapeRegex(value)}`, 'im');
    const rows = statement(db, 'select m.uid, s.headers from messages m join search s on s.rowid = m.content_id where m.folder_id = ?').all(
      f.id,
    ) as Array<{ uid: number; headers: string }>;
    const hits = new Set(rows.filter((row) => pattern.test(unfold(row.headers))).map((row) => row.uid));
    uids = uids.filter((uid) => hits.has(uid));
  }
  return uids;
}

function phrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unfold(headers: string): string {
  return headers.replace(/\r?\n[ \t]+/g, ' ');
}

export function quotaUsage(db: SqliteDatabase): { usedBytes: number; limitBytes: number; messages: number } {
  const used = statement(db, 'select coalesce(sum(size), 0) as bytes, count(*) as n from messages').get() as { bytes: number; n: number };
  const limit = Number((statement(db, "select value from meta where key = 'quota_bytes'").get() as { value: string }).value);
  return { usedBytes: used.bytes, limitBytes: limit, messages: used.n };
}
