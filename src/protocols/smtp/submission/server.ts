import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import { normaliseAddress, parseAddress } from '../../../core/address.js';
import type { Logger } from '../../../log/logger.js';
import { adoptServer, type Listener } from '../../../net/listener.js';
import type { TlsProvider } from '../../../net/tls.js';
import type { Guard } from '../../../security/guard/guard.js';
import { watchFirstBytes } from '../../../security/guard/listener-hooks.js';
import type { AliasRepository } from '../../../store/control/types.js';
import type { MailboxDirectory } from '../../../store/mailbox/types.js';
import type { DkimSigner, OutboundQueue } from '../outbound/types.js';
import { fromAddresses, headerFields, senderBelongsTo } from './sender-policy.js';

export interface SubmissionDeps {
  name: 'submission' | 'submissions';
  host: string;
  port: number;
  /** Implicit TLS (465-style); otherwise STARTTLS, required before AUTH. */
  implicitTls: boolean;
  hostname: string;
  tls: TlsProvider;
  log: Logger;
  aliases: AliasRepository;
  /** Verifies passwords (unlock) and takes the Sent copy (sealed, no key needed). Absent = nobody can log in. */
  mailboxes?: Pick<MailboxDirectory, 'unlock' | 'deliver'>;
  queue: OutboundQueue;
  dkim: DkimSigner;
  maxMessageBytes: number;
  sentCopy: boolean;
  graceMs: number;
  /** The abuse guard: accept-time refusal and AUTH failure counting (growing delay, bans, locks). */
  guard?: Pick<Guard, 'onConnect' | 'inspectFirstBytes' | 'beforeAuth' | 'onAuthFailure' | 'onAuthSuccess'>;
}

const MAX_RECIPIENTS = 100;

const reply = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

/** Authenticated submission (RFC 6409) on smtp-server: no spoofing, DKIM-signed, queued encrypted. */
export async function createSubmissionServer(deps: SubmissionDeps): Promise<Listener> {
  const { log } = deps;
  const releases = new Map<string, () => void>();
  const server = new SMTPServer({
    ...deps.tls.serverOptions(),
    secure: deps.implicitTls,
    name: deps.hostname,
    banner: 'sealmail submission',
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    authOptional: false,
    disabledCommands: deps.implicitTls ? ['STARTTLS'] : [],
    size: deps.maxMessageBytes,
    logger: false,
    socketTimeout: 120_000,
    closeTimeout: deps.graceMs,
    maxClients: 500,

    onConnect(session, callback) {
      if (!deps.guard) return callback();
      deps.guard.onConnect(session.remoteAddress, deps.name).then(
        (verdict) => {
          if (!verdict.allowed) {
            log.info({ ip: session.remoteAddress, listener: deps.name, reason: verdict.reason }, 'connection refused by the guard');
            const r = verdict.reply;
            return callback(r ? reply(r.responseCode, `${r.enhanced} ${r.publicMessage}`) : reply(554, '5.7.1 Access denied'));
          }
          releases.set(session.id, verdict.release);
          callback();
        },
        (error) => {
          log.warn({ err: error, listener: deps.name }, 'guard check failed; connection let through');
          callback();
        },
      );
    },

    onClose(session) {
      releases.get(session.id)?.();
      releases.delete(session.id);
    },

    onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession, callback) {
      guardedAuthenticate(deps, auth, session.remoteAddress)
        .then((user) => {
          if (user === BLOCKED) {
            log.info({ ip: session.remoteAddress, listener: deps.name }, 'submission auth refused by the guard');
            return callback(reply(454, '4.7.0 Temporary authentication failure'));
          }
          if (!user) {
            log.info({ ip: session.remoteAddress, listener: deps.name }, 'submission auth failed');
            return callback(reply(535, '5.7.8 Authentication credentials invalid'));
          }
          log.info({ ip: session.remoteAddress, address: user, listener: deps.name }, 'submission auth ok');
          callback(null, { user });
        })
        .catch((error) => {
          log.error({ err: error }, 'submission auth error');
          callback(reply(454, '4.7.0 Temporary authentication failure'));
        });
    },

    onMailFrom(address, session, callback) {
      const user = session.user as string;
      if (!address.address || !senderBelongsTo(user, address.address)) {
        log.warn({ ip: session.remoteAddress, address: user, from: address.address }, 'submission: sender refused');
        return callback(reply(550, '5.7.1 Sender address is not yours'));
      }
      callback();
    },

    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(reply(452, '4.5.3 Too many recipients'));
      try {
        parseAddress(address.address);
      } catch {
        return callback(reply(553, '5.1.3 Invalid recipient address'));
      }
      callback();
    },

    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit we only drain: an oversized message must not grow memory.
        if (size <= deps.maxMessageBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded || size > deps.maxMessageBytes) {
          return callback(reply(552, '5.3.4 Message too big'));
        }
        accept(deps, session, Buffer.concat(chunks))
          .then((id) => callback(null, `2.0.0 Queued as ${id}`))
          .catch((error: Error & { responseCode?: number }) => {
            if (error.responseCode) return callback(error);
            log.error({ err: error }, 'submission failed');
            callback(reply(451, '4.3.0 Temporary failure, try again later'));
          });
      });
    },
  });
  server.on('error', (error) => log.debug({ err: error, listener: deps.name }, 'submission connection error'));
  if (deps.implicitTls) deps.tls.attach(server.server as unknown as import('node:tls').Server);
  else server.server.on('connection', (socket: net.Socket) => watchFirstBytes(deps.guard, socket, log));

  const sockets = () =>
    [...((server as unknown as { connections: Set<{ _socket?: net.Socket }> }).connections ?? [])]
      .map((c) => c._socket)
      .filter((s): s is net.Socket => s !== undefined);
  const listener = await adoptServer(deps.name, server.server as net.Server, deps.host, deps.port, log, sockets);
  return {
    ...listener,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const socket of sockets()) socket.destroy();
          resolve();
        }, graceMs + 1000);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

const BLOCKED = Symbol('blocked');

function accountOf(username: string): string {
  try {
    return normaliseAddress(username);
  } catch {
    return username.toLowerCase();
  }
}

/** The guard waits/refuses before the password check and counts the outcome after it. */
async function guardedAuthenticate(
  deps: SubmissionDeps,
  auth: SMTPServerAuthentication,
  ip: string,
): Promise<string | undefined | typeof BLOCKED> {
  const guard = deps.guard;
  if (!guard) return authenticate(deps, auth);
  const account = accountOf(auth.username ?? '');
  if (!(await guard.beforeAuth(ip, account)).allowed) return BLOCKED;
  const user = await authenticate(deps, auth);
  if (user) await guard.onAuthSuccess(ip, account);
  else await guard.onAuthFailure(ip, account);
  return user;
}

async function authenticate(deps: SubmissionDeps, auth: SMTPServerAuthentication): Promise<string | undefined> {
  if (!deps.mailboxes || !auth.username || typeof auth.password !== 'string') return undefined;
  let address: string;
  try {
    address = normaliseAddress(auth.username);
  } catch {
    return undefined;
  }
  const alias = await deps.aliases.get(address);
  // Unlock even for unknown aliases, so timing does not tell which addresses exist.
  const session = await deps.mailboxes.unlock(address, auth.password);
  if (!session) return undefined;
  await session.close();
  return alias?.enabled ? address : undefined;
}

async function accept(deps: SubmissionDeps, session: SMTPServerSession, received: Buffer): Promise<string> {
  const user = session.user as string;
  const from = fromAddresses(received);
  if (from.length === 0 || !from.every((address) => senderBelongsTo(user, address))) {
    deps.log.warn({ ip: session.remoteAddress, address: user }, 'submission: From header refused');
    throw reply(550, '5.7.1 From: header address is not yours');
  }
  const raw = completeHeaders(received, deps.hostname);
  const signed = await deps.dkim.sign(raw, user.slice(user.lastIndexOf('@') + 1));
  const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : user;
  const id = await deps.queue.enqueue({ from: mailFrom, to: session.envelope.rcptTo.map((r) => r.address) }, signed);
  if (deps.sentCopy && deps.mailboxes) {
    const alias = await deps.aliases.get(user);
    if (alias?.mailbox) {
      await deps.mailboxes
        .deliver(user, signed, { folder: '\\Sent', flags: ['\\Seen'] })
        .catch((error) => deps.log.error({ err: error, address: user }, 'sent copy failed'));
    }
  }
  deps.log.info({ ip: session.remoteAddress, address: user, recipients: session.envelope.rcptTo.length, queue_id: id }, 'submitted');
  return id;
}

/** RFC 6409 §8: a submission server adds Date and Message-ID when the client left them out. */
function completeHeaders(raw: Buffer, hostname: string): Buffer {
  const names = new Set(headerFields(raw).map((f) => f.name));
  const added: string[] = [];
  if (!names.has('date')) added.push(`Date: ${new Date().toUTCString().replace('GMT', '+0000')}`);
  if (!names.has('message-id')) added.push(`Message-ID: <${randomBytes(16).toString('hex')}@${hostname}>`);
  const normalised = raw.includes('\r\n') ? raw : Buffer.from(raw.toString('binary').replace(/\n/g, '\r\n'), 'binary');
  return added.length ? Buffer.concat([Buffer.from(`${added.join('\r\n')}\r\n`), normalised]) : normalised;
}
