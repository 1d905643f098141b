/** The command table: which states allow a command and which file runs it. */
import type { Args } from '../args.js';
import type { ImapSession } from '../session.js';
import { append } from './append.js';
import { capability, check, enable, id, logout, namespace, noop } from './basic.js';
import { copy, move } from './copy-move.js';
import { expunge } from './expunge.js';
import { fetch } from './fetch.js';
import { create, deleteFolder, rename, subscribe, unsubscribe } from './folders.js';
import { idle } from './idle.js';
import { list, lsub } from './list.js';
import { authenticate, login } from './login.js';
import { getQuota, getQuotaRoot, setQuota } from './quota.js';
import { search } from './search.js';
import { close, examine, select, unselect } from './select.js';
import { starttls } from './starttls.js';
import { status } from './status.js';
import { store } from './store.js';

export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export interface CommandInput {
  session: ImapSession;
  tag: string;
  /** UID variant (UID FETCH …) */
  uid: boolean;
  name: string;
  args: Args;
}

export interface CommandResult {
  text?: string;
  code?: string;
  /** The handler already wrote its tagged response (STARTTLS). */
  responded?: boolean;
}

export type CommandHandler = (input: CommandInput) => Promise<CommandResult | undefined>;

export interface CommandSpec {
  states: ImapState[];
  run: CommandHandler;
}

const ANY: ImapState[] = ['not-authenticated', 'authenticated', 'selected'];
const AUTH: ImapState[] = ['authenticated', 'selected'];
const SELECTED: ImapState[] = ['selected'];
const NOT_AUTH: ImapState[] = ['not-authenticated'];

export const COMMANDS: Readonly<Record<string, CommandSpec>> = Object.freeze({
  CAPABILITY: { states: ANY, run: capability },
  NOOP: { states: ANY, run: noop },
  LOGOUT: { states: ANY, run: logout },
  ID: { states: ANY, run: id },
  STARTTLS: { states: NOT_AUTH, run: starttls },
  LOGIN: { states: NOT_AUTH, run: login },
  AUTHENTICATE: { states: NOT_AUTH, run: authenticate },
  ENABLE: { states: AUTH, run: enable },
  NAMESPACE: { states: AUTH, run: namespace },
  SELECT: { states: AUTH, run: select },
  EXAMINE: { states: AUTH, run: examine },
  CREATE: { states: AUTH, run: create },
  DELETE: { states: AUTH, run: deleteFolder },
  RENAME: { states: AUTH, run: rename },
  SUBSCRIBE: { states: AUTH, run: subscribe },
  UNSUBSCRIBE: { states: AUTH, run: unsubscribe },
  LIST: { states: AUTH, run: list },
  LSUB: { states: AUTH, run: lsub },
  STATUS: { states: AUTH, run: status },
  APPEND: { states: AUTH, run: append },
  IDLE: { states: AUTH, run: idle },
  GETQUOTA: { states: AUTH, run: getQuota },
  GETQUOTAROOT: { states: AUTH, run: getQuotaRoot },
  SETQUOTA: { states: AUTH, run: setQuota },
  CHECK: { states: SELECTED, run: check },
  CLOSE: { states: SELECTED, run: close },
  UNSELECT: { states: SELECTED, run: unselect },
  EXPUNGE: { states: SELECTED, run: expunge },
  SEARCH: { states: SELECTED, run: search },
  FETCH: { states: SELECTED, run: fetch },
  STORE: { states: SELECTED, run: store },
  COPY: { states: SELECTED, run: copy },
  MOVE: { states: SELECTED, run: move },
});
