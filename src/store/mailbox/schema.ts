import type { SqliteDatabase } from '../encrypted-sqlite.js';

/**
 * The schema inside each encrypted mailbox file, shaped for IMAP (RFC 9051 + CONDSTORE/QRESYNC,
 * UIDPLUS, SPECIAL-USE, QUOTA). Every name, address and byte of mail lives only in here.
 */
export const SCHEMA_VERSION = 1;

const STATEMENTS = `
create table if not exists meta (key text primary key, value text not null);
create table if not exists folders (
  id integer primary key,
  name text not null unique,
  special_use text unique,
  subscribed integer not null default 1,
  uid_validity integer not null,
  uid_next integer not null default 1,
  highest_modseq integer not null default 1
);
create table if not exists contents (
  id integer primary key,
  raw blob not null,
  envelope text not null,
  body_structure text not null
);
create table if not exists messages (
  folder_id integer not null references folders(id) on delete cascade,
  uid integer not null,
  modseq integer not null,
  flags text not null default '[]',
  internal_date text not null,
  size integer not null,
  content_id integer not null references contents(id),
  recent integer not null default 1,
  primary key (folder_id, uid)
) without rowid;
create index if not exists messages_modseq on messages(folder_id, modseq);
create index if not exists messages_content on messages(content_id);
create virtual table if not exists search using fts5(headers, body, tokenize = 'unicode61 remove_diacritics 2');
create table if not exists keypair (id integer primary key check (id = 1), x25519 blob not null, mlkem blob not null);
create table if not exists settings (key text primary key, value text not null);
create table if not exists drained (spool_id text primary key) without rowid;
`;

export const DEFAULT_FOLDERS: Array<[string, string | null]> = [
  ['INBOX', '\\Inbox'],
  ['Sent', '\\Sent'],
  ['Drafts', '\\Drafts'],
  ['Junk', '\\Junk'],
  ['Trash', '\\Trash'],
  ['Archive', '\\Archive'],
];

export function createSchema(db: SqliteDatabase, keypair: { x25519: Uint8Array; mlkem: Uint8Array }, quotaBytes: number): void {
  db.transaction(() => {
    db.exec(STATEMENTS);
    const setMeta = db.prepare('insert or replace into meta (key, value) values (?, ?)');
    setMeta.run('schema_version', String(SCHEMA_VERSION));
    setMeta.run('modseq', '1');
    setMeta.run('quota_bytes', String(quotaBytes));
    const addFolder = db.prepare('insert into folders (name, special_use, uid_validity) values (?, ?, ?)');
    const validity = Math.floor(Date.now() / 1000);
    for (const [name, use] of DEFAULT_FOLDERS) addFolder.run(name, use, validity);
    db.prepare('insert into keypair (id, x25519, mlkem) values (1, ?, ?)').run(Buffer.from(keypair.x25519), Buffer.from(keypair.mlkem));
  })();
}
