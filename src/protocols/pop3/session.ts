/**
 * POP3 (RFC 1939, CAPA RFC 2449, STLS RFC 2595, SASL PLAIN RFC 5034) on the mailbox's INBOX.
 * Socket-free state machine: `handle(line)` returns the reply; the connection does the I/O.
 */
import type { MailboxDirectory, MailboxSession, MessageMeta } from '../../store/mailbox/types.js';
import { decodeSaslPlain, type LoginGuard, loginToMailbox } from '../login.js';

export interface Pop3Io {
  readonly secure: boolean;
  readonly ip: string;
  /** STLS offered (false on implicit TLS). */
  readonly starttls: boolean;
}

export interface Pop3Deps {
  mailboxes: MailboxDirectory;
  guard: LoginGuard;
}

export type Pop3Action = { reply: Buffer | string; next?: 'starttls' | 'close' | 'await-sasl' };

const ok = (text: string): Pop3Action => ({ reply: `+OK ${text}\r\n` });
const err = (text: string): Pop3Action => ({ reply: `-ERR ${text}\r\n` });

export class Pop3Session {
  state: 'authorization' | 'transaction' = 'authorization';
  private user?: string;
  private mailbox?: MailboxSession;
  private messages: MessageMeta[] = [];
  private uidValidity = 0;
  private readonly deleted = new Set<number>();
  private failures = 0;

  constructor(
    private readonly deps: Pop3Deps,
    private readonly io: Pop3Io,
  ) {}

  capabilities(): string[] {
    const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
    const cleartextLocked = !this.io.secure && this.io.starttls;
    if (this.state === 'authorization') {
      if (cleartextLocked) caps.push('STLS');
      else caps.push('USER', 'SASL PLAIN');
    }
    caps.push('IMPLEMENTATION sealmail');
    return caps;
  }

  async handle(line: string): Promise<Pop3Action> {
    const space = line.indexOf(' ');
    const name = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const arg = space < 0 ? '' : line.slice(space + 1);
    if (name === 'CAPA') return { reply: `+OK Capability list follows\r\n${this.capabilities().join('\r\n')}\r\n.\r\n` };
    if (name === 'QUIT') return this.quit();
    if (name === 'NOOP' && this.state === 'transaction') return ok('');
    if (this.state === 'authorization') return this.authorization(name, arg);
    return this.transaction(name, arg);
  }

  private locked(): boolean {
    return !this.io.secure && this.io.starttls;
  }

  private async authorization(name: string, arg: string): Promise<Pop3Action> {
    switch (name) {
      case 'STLS':
        if (this.io.secure || !this.io.starttls) return err('TLS already active');
        return { reply: '+OK Begin TLS negotiation\r\n', next: 'starttls' };
      case 'USER':
        if (this.locked()) return err('[AUTH] Use STLS first');
        if (!arg) return err('Missing user name');
        this.user = arg;
        return ok('Send password');
      case 'PASS': {
        if (this.locked()) return err('[AUTH] Use STLS first');
        if (!this.user) return err('USER first');
        const user = this.user;
        this.user = undefined;
        return this.login(user, arg);
      }
      case 'AUTH': {
        const [mechanism = '', initial] = arg.split(' ');
        if (!mechanism) return { reply: '+OK\r\nPLAIN\r\n.\r\n' };
        if (mechanism.toUpperCase() !== 'PLAIN') return err('Unsupported mechanism');
        if (this.locked()) return err('[AUTH] Use STLS first');
        if (initial === undefined) return { reply: '+ \r\n', next: 'await-sasl' };
        return this.saslResponse(initial);
      }
      default:
        return err('Command not valid before login');
    }
  }

  async saslResponse(response: string): Promise<Pop3Action> {
    if (response.trim() === '*') return err('Authentication cancelled');
    const credentials = decodeSaslPlain(response.trim() === '=' ? '' : response.trim());
    if (!credentials) return err('Malformed PLAIN response');
    return this.login(credentials.username, credentials.password);
  }

  private async login(username: string, password: string): Promise<Pop3Action> {
    const outcome = await loginToMailbox(this.deps, { ip: this.io.ip, protocol: 'pop3', username, password });
    if (!outcome.ok) {
      this.failures++;
      const reply = err(outcome.reason === 'blocked' ? '[SYS/TEMP] Try again later' : '[AUTH] Authentication failed');
      return this.failures >= 3 ? { ...reply, next: 'close' } : reply;
    }
    this.mailbox = outcome.session;
    const [status, list] = await Promise.all([outcome.session.status('INBOX'), outcome.session.list('INBOX')]);
    this.uidValidity = status.uidValidity;
    this.messages = list;
    this.state = 'transaction';
    return ok(`${list.length} messages`);
  }

  private message(arg: string): MessageMeta | undefined {
    if (!/^\d{1,9}$/.test(arg)) return undefined;
    const index = Number(arg);
    if (index < 1 || index > this.messages.length || this.deleted.has(index)) return undefined;
    return this.messages[index - 1];
  }

  private async transaction(name: string, arg: string): Promise<Pop3Action> {
    const mailbox = this.mailbox as MailboxSession;
    const live = () => this.messages.map((m, i) => [i + 1, m] as const).filter(([n]) => !this.deleted.has(n));
    switch (name) {
      case 'STAT': {
        const all = live();
        return ok(`${all.length} ${all.reduce((sum, [, m]) => sum + m.size, 0)}`);
      }
      case 'LIST':
      case 'UIDL': {
        const value = (_n: number, m: MessageMeta) => (name === 'LIST' ? String(m.size) : `${this.uidValidity}.${m.uid}`);
        if (arg) {
          const message = this.message(arg);
          return message ? ok(`${Number(arg)} ${value(Number(arg), message)}`) : err('No such message');
        }
        const lines = live().map(([n, m]) => `${n} ${value(n, m)}\r\n`);
        return { reply: `+OK\r\n${lines.join('')}.\r\n` };
      }
      case 'RETR':
      case 'TOP': {
        const [number = '', linesArg] = arg.split(' ');
        const message = this.message(number);
        if (!message) return err('No such message');
        if (name === 'TOP' && !/^\d{1,9}$/.test(linesArg ?? '')) return err('TOP needs a line count');
        let raw = await mailbox.read('INBOX', message.uid).catch(() => undefined);
        if (!raw) return err('Message is gone');
        if (name === 'TOP') raw = topOf(raw, Number(linesArg));
        else await mailbox.setFlags('INBOX', [message.uid], 'add', ['\\Seen']).catch(() => undefined);
        return { reply: Buffer.concat([Buffer.from('+OK message follows\r\n'), dotStuff(raw), Buffer.from('.\r\n')]) };
      }
      case 'DELE': {
        const message = this.message(arg);
        if (!message) return err('No such message');
        this.deleted.add(Number(arg));
        return ok('Marked for deletion');
      }
      case 'RSET':
        this.deleted.clear();
        return ok('Reset');
      default:
        return err('Unknown command');
    }
  }

  /** QUIT in TRANSACTION is the UPDATE state: messages marked with DELE are removed. */
  private async quit(): Promise<Pop3Action> {
    if (this.state === 'transaction' && this.mailbox && this.deleted.size) {
      const uids = [...this.deleted].map((n) => (this.messages[n - 1] as MessageMeta).uid);
      try {
        await this.mailbox.setFlags('INBOX', uids, 'add', ['\\Deleted']);
        await this.mailbox.expunge('INBOX', uids);
      } catch {
        return { reply: '-ERR [SYS/TEMP] Some messages could not be deleted\r\n', next: 'close' };
      }
    }
    return { reply: '+OK Bye\r\n', next: 'close' };
  }

  async close(): Promise<void> {
    const mailbox = this.mailbox;
    this.mailbox = undefined;
    await mailbox?.close().catch(() => {});
  }
}

/** Lines starting with "." get another "." and the data ends in CRLF (RFC 1939 §3). */
export function dotStuff(raw: Buffer): Buffer {
  let text = raw.toString('latin1').replace(/\r?\n/g, '\r\n');
  text = text.replace(/^\./gm, '..');
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(text, 'latin1');
}

function topOf(raw: Buffer, lines: number): Buffer {
  const text = raw.toString('latin1');
  const split = text.search(/\r?\n\r?\n/);
  if (split < 0) return raw;
  const blank = /\r?\n\r?\n/.exec(text.slice(split)) as RegExpExecArray;
  const headerEnd = split + blank[0].length;
  const body = text.slice(headerEnd).split(/(?<=\n)/).slice(0, lines).join('');
  return Buffer.from(text.slice(0, headerEnd) + body, 'latin1');
}
