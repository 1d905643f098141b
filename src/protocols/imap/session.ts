/**
 * One IMAP connection's state machine: not authenticated → authenticated → selected → logout.
 * Socket-free: the connection hands it parsed commands and gives it a way to write and read lines.
 */
import type { Logger } from '../../log/logger.js';
import type { MailboxDirectory, MailboxSession } from '../../store/mailbox/types.js';
import type { LoginGuard } from '../login.js';
import { Args, bad, ImapError, no } from './args.js';
import { COMMANDS, type ImapState } from './commands/index.js';
import type { Command } from './parser.js';
import type { SelectedFolder } from './selected.js';

export interface SessionIo {
  write(data: Buffer | string): void;
  /** Reads the next raw line from the client (AUTHENTICATE responses, IDLE's DONE). */
  readLine(): Promise<string>;
  /** Upgrades the connection to TLS (STARTTLS); resolves once the handshake is done. */
  startTls(): Promise<void>;
  readonly secure: boolean;
  readonly ip: string;
}

export interface SessionDeps {
  mailboxes: MailboxDirectory;
  guard: LoginGuard;
  log: Logger;
  hostname: string;
  /** STARTTLS offered (false on implicit TLS). */
  starttls: boolean;
  maxLiteral: number;
}

export class ImapSession {
  state: ImapState = 'not-authenticated';
  mailbox?: MailboxSession;
  selected?: SelectedFolder;
  condstore = false;
  idling = false;
  private unwatch?: () => void;
  /** Set while IDLE waits, to push changes as they happen. */
  onChange?: () => void;

  constructor(
    readonly deps: SessionDeps,
    readonly io: SessionIo,
  ) {}

  capabilities(): string[] {
    const caps = ['IMAP4rev1'];
    if (this.state === 'not-authenticated') {
      if (!this.io.secure && this.deps.starttls) caps.push('STARTTLS', 'LOGINDISABLED');
      else caps.push('AUTH=PLAIN', 'SASL-IR');
    }
    caps.push('LITERAL+', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE', 'UNSELECT', 'SPECIAL-USE');
    caps.push('CONDSTORE', 'QUOTA', 'ESEARCH', `APPENDLIMIT=${this.deps.maxLiteral}`);
    return caps;
  }

  /** Logged in: remember the mailbox and follow other sessions' changes. */
  authenticated(mailbox: MailboxSession): void {
    this.mailbox = mailbox;
    this.state = 'authenticated';
    this.unwatch = mailbox.watch((event) => {
      if (event.kind === 'folders' || !this.selected || event.folder !== this.selected.name) return;
      this.selected.onEvent(event);
      this.onChange?.();
    });
  }

  requireMailbox(): MailboxSession {
    if (!this.mailbox) throw bad('Not authenticated');
    return this.mailbox;
  }

  requireSelected(): SelectedFolder {
    if (!this.selected) throw bad('No mailbox selected');
    return this.selected;
  }

  /** Runs one command and writes its untagged and tagged responses. */
  async run(command: Command): Promise<void> {
    let name = command.name;
    let args = command.args;
    let uid = false;
    if (name === 'UID') {
      const sub = args[0];
      if (sub?.type !== 'atom') return this.tagged(command.tag, 'BAD', 'UID needs a command');
      name = sub.value.toUpperCase();
      args = args.slice(1);
      uid = true;
      if (!['FETCH', 'STORE', 'SEARCH', 'COPY', 'MOVE', 'EXPUNGE'].includes(name)) {
        return this.tagged(command.tag, 'BAD', 'Unknown UID command');
      }
    }
    const spec = COMMANDS[name];
    if (!spec) return this.tagged(command.tag, 'BAD', 'Unknown command');
    if (!spec.states.includes(this.state)) {
      const message = this.state === 'not-authenticated' ? 'Log in first' : 'Command not valid in this state';
      return this.tagged(command.tag, 'BAD', message);
    }
    try {
      const result = await spec.run({ session: this, tag: command.tag, uid, args: new Args(args), name });
      if (result?.responded) return;
      await this.flushChanges(!['FETCH', 'STORE', 'SEARCH'].includes(name) || uid);
      this.tagged(command.tag, 'OK', result?.text ?? `${uid ? 'UID ' : ''}${name} completed`, result?.code);
    } catch (error) {
      if (error instanceof ImapError) return this.tagged(command.tag, error.status, error.message, error.code);
      const publicMessage = (error as { publicMessage?: unknown }).publicMessage;
      if (typeof publicMessage === 'string' && (error as { code?: string }).code) {
        const code = (error as { code: string }).code;
        const imapCode = code === 'not_found' ? 'NONEXISTENT' : code === 'conflict' ? 'ALREADYEXISTS' : undefined;
        return this.tagged(command.tag, 'NO', publicMessage, imapCode);
      }
      this.deps.log.warn({ err: error, command: name }, 'imap command failed');
      this.tagged(command.tag, 'NO', 'Server error, try again later', 'UNAVAILABLE');
    }
  }

  /** Sends what other sessions changed, if anything. */
  async flushChanges(allowExpunge: boolean): Promise<void> {
    if (!this.selected || !this.mailbox || !this.selected.hasPending) return;
    const lines = await this.selected.sync(this.mailbox, { allowExpunge, condstore: this.condstore });
    for (const line of lines) this.io.write(line);
  }

  tagged(tag: string, status: 'OK' | 'NO' | 'BAD', text: string, code?: string): void {
    this.io.write(`${tag} ${status} ${code ? `[${code}] ` : ''}${text}\r\n`);
  }

  untagged(text: string | Buffer): void {
    this.io.write(typeof text === 'string' ? `* ${text}\r\n` : Buffer.concat([Buffer.from('* '), text, Buffer.from('\r\n')]));
  }

  async close(): Promise<void> {
    this.unwatch?.();
    this.unwatch = undefined;
    const mailbox = this.mailbox;
    this.mailbox = undefined;
    this.selected = undefined;
    await mailbox?.close().catch(() => {});
  }
}

export { no };
