import type net from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Config } from '../../../config/schema.js';
import type { DnsResolver } from '../../../dns/resolver.js';
import { AppError, SmtpReply } from '../../../core/errors.js';
import type { Logger } from '../../../log/logger.js';
import { bodyOffsetOf } from '../../../mail/header-section.js';
import { adoptServer, type Listener } from '../../../net/listener.js';
import type { TlsProvider } from '../../../net/tls.js';
import type { Guard } from '../../../security/guard/guard.js';
import { watchFirstBytes } from '../../../security/guard/listener-hooks.js';
import type { InboundPipeline } from '../../../security/pipeline/pipeline.js';
import type { Decision, MessageFacts, RecipientFacts, SessionFacts } from '../../../security/pipeline/types.js';
import { type RouterDeps, routeMessage } from './route-message.js';
import { reverseLookupVia } from './reverse-lookup.js';
import { connectionOf, limitSessionTime, useOwnEnhancedCodes } from './smtp-connection-hooks.js';

export interface MxServerDeps {
  config: Readonly<Config>;
  dns: DnsResolver;
  log: Logger;
  tls: TlsProvider;
  pipeline: InboundPipeline;
  router: RouterDeps;
  port: number;
  /** The abuse guard: accept-time refusal, unknown-recipient walking, per-sender message rates. */
  guard?: Pick<Guard, 'onConnect' | 'inspectFirstBytes' | 'onUnknownRecipient' | 'onMessage'>;
}

interface SessionState {
  facts: SessionFacts;
  timer?: NodeJS.Timeout;
  release?: () => void;
}

/**
 * The inbound MX: smtp-server speaks the protocol (STARTTLS, SIZE, 8BITMIME, SMTPUTF8, PIPELINING,
 * ENHANCEDSTATUSCODES; no AUTH, VRFY, EXPN); every decision comes from the pipeline, every delivery
 * from the router. 250 is answered only after the router has delivered.
 */
export async function createMxServer(deps: MxServerDeps): Promise<Listener> {
  const { config, log, pipeline } = deps;
  const limits = config.mx;
  const sessions = new Map<string, SessionState>();
  const { SNICallback: _sni, ...tlsOptions } = deps.tls.serverOptions();

  const stateOf = (session: SMTPServerSession): SessionState => {
    let state = sessions.get(session.id);
    if (!state) {
      state = { facts: factsOf(session) };
      sessions.set(session.id, state);
    }
    return state;
  };

  const server: SMTPServer = new SMTPServer({
    ...(tlsOptions as object),
    name: config.hostname,
    banner: 'sealmail ESMTP',
    logger: false,
    secure: false,
    disabledCommands: ['AUTH', 'VRFY', 'EXPN'],
    authOptional: true,
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hideREQUIRETLS: true,
    size: limits.max_message_bytes,
    maxRecipients: limits.max_recipients,
    maxClients: limits.max_clients,
    socketTimeout: limits.idle_timeout_ms,
    closeTimeout: config.shutdown.grace_ms,
    resolver: reverseLookupVia(deps.dns) as never,

    onConnect(session, callback) {
      const state = stateOf(session);
      const connection = connectionOf(server, session);
      if (connection) {
        useOwnEnhancedCodes(connection);
        state.timer = limitSessionTime(connection, limits.session_timeout_ms);
      }
      // The guard decides before any pipeline work: a banned or listed IP costs us nothing more.
      admit(deps.guard, session.remoteAddress, log).then((verdict) => {
        state.release = verdict.release;
        if (verdict.refusal) return callback(verdict.refusal);
        settle(pipeline.run('connect', { session: state.facts }), callback);
      });
    },

    onMailFrom(address, session, callback) {
      const state = stateOf(session);
      state.facts.helo = session.hostNameAppearsAs ?? '';
      state.facts.secure = session.secure;
      state.facts.mailFrom = address.address;
      state.facts.recipients = [];
      // smtp-server has no HELO hook: the helo stages run when the first transaction starts.
      settle(pipeline.runAll(['helo', 'mail'], { session: state.facts }), callback);
    },

    onRcptTo(address, session, callback) {
      const state = stateOf(session);
      const recipient: RecipientFacts = { address: address.address };
      pipeline.run('rcpt', { session: state.facts, recipient }).then(
        (decision) => {
          const refusal = refusalOf(decision);
          if (refusal && isUnknownRecipient(decision) && deps.guard) {
            // Walking unknown addresses: past the threshold the guard bans the IP; 421 closes.
            return deps.guard.onUnknownRecipient(session.remoteAddress, session.id).then(
              (verdict) => callback(verdict.allowed || !verdict.reply ? refusal : smtpReplyError(verdict.reply)),
              () => callback(refusal),
            );
          }
          if (refusal) return callback(refusal);
          const key = recipient.address.toLowerCase();
          const others = state.facts.recipients.filter((r) => r.address.toLowerCase() !== key);
          state.facts.recipients = [...others, recipient];
          callback();
        },
        (error) => callback(asSmtpError(error, log)),
      );
    },

    onData(stream, session, callback) {
      const state = stateOf(session);
      readMessage(stream, limits.max_message_bytes).then(
        async (raw) => {
          if (!raw) return callback(replyError(552, '5.3.4', 'message exceeds the size limit'));
          if (deps.guard) {
            const rate = await deps.guard.onMessage(session.remoteAddress, senderDomainOf(state.facts.mailFrom));
            if (!rate.allowed && rate.reply) return callback(smtpReplyError(rate.reply));
          }
          const message: MessageFacts = { raw, bodyOffset: bodyOffsetOf(raw), findings: [] };
          const input = { session: state.facts, message };
          const decision = await pipeline.runAll(['data', 'authentication', 'content', 'routing'], input);
          const refusal = refusalOf(decision);
          logTransaction(log, state.facts, decision);
          if (refusal) return callback(refusal);
          const text = await routeMessage(deps.router, {
            session: state.facts,
            raw,
            headers: decision.headers,
            quarantine: decision.verdict.action === 'quarantine',
            arc: message.arc,
          });
          callback(null, `2.6.0 ${text}`);
        },
        // The client went away mid-DATA or the stream broke: nothing is delivered.
        (error) => callback(asSmtpError(error, log)),
      ).catch((error) => callback(asSmtpError(error, log)));
    },

    onClose(session) {
      const state = sessions.get(session.id);
      if (state?.timer) clearTimeout(state.timer);
      state?.release?.();
      sessions.delete(session.id);
    },
  });
  server.on('error', (error) => log.debug({ listener: 'smtp', err: error }, 'smtp connection error'));
  const reload = () => server.updateSecureContext(deps.tls.serverOptions() as never);
  deps.tls.on('reload', reload);

  const sockets = new Set<net.Socket>();
  server.server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    watchFirstBytes(deps.guard, socket, log);
  });
  const listener = await adoptServer('smtp', server.server, config.bind, deps.port, log, () => sockets);
  return {
    name: listener.name,
    port: listener.port,
    async close(graceMs) {
      deps.tls.off('reload', reload);
      for (const state of sessions.values()) if (state.timer) clearTimeout(state.timer);
      await listener.close(graceMs);
    },
  };
}

function factsOf(session: SMTPServerSession): SessionFacts {
  return {
    id: session.id,
    remoteAddress: session.remoteAddress,
    clientHostname: session.clientHostname,
    helo: session.hostNameAppearsAs ?? '',
    secure: session.secure,
    recipients: [],
  };
}

/** Reads the DATA stream; undefined when it exceeded `maxBytes` (what is over the limit is not kept). */
function readMessage(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('close', () => {
      if (!stream.readableEnded) reject(new AppError('aborted', 'message not received in full'));
    });
    stream.once('end', () => resolve(stream.sizeExceeded || size > maxBytes ? undefined : Buffer.concat(chunks)));
  });
}

/** The guard's accept-time verdict as an smtp-server refusal; a guard outage lets the client through. */
async function admit(
  guard: MxServerDeps['guard'],
  ip: string,
  log: Logger,
): Promise<{ refusal?: Error; release?: () => void }> {
  if (!guard) return {};
  try {
    const verdict = await guard.onConnect(ip, 'smtp');
    if (verdict.allowed) return { release: verdict.release };
    log.info({ ip, listener: 'smtp', reason: verdict.reason }, 'connection refused by the guard');
    return { refusal: verdict.reply ? smtpReplyError(verdict.reply) : replyError(554, '5.7.1', 'access denied') };
  } catch (error) {
    log.warn({ err: error, listener: 'smtp' }, 'guard check failed; connection let through');
    return {};
  }
}

function isUnknownRecipient(decision: Decision): boolean {
  return decision.findings.some((f) => f.check === 'recipient' && f.result === 'unknown');
}

function senderDomainOf(mailFrom: string | undefined): string | undefined {
  const at = mailFrom?.lastIndexOf('@') ?? -1;
  return mailFrom && at > 0 ? mailFrom.slice(at + 1).toLowerCase() : undefined;
}

function smtpReplyError(reply: SmtpReply): Error {
  return replyError(reply.responseCode, reply.enhanced, reply.publicMessage);
}

function refusalOf(decision: Decision): Error | undefined {
  const { verdict } = decision;
  if (verdict.action !== 'reject' && verdict.action !== 'tempfail') return undefined;
  return replyError(verdict.code, verdict.enhanced, verdict.text);
}

function replyError(code: number, enhanced: string, text: string): Error {
  return Object.assign(new Error(`${enhanced} ${text}`), { responseCode: code });
}

/** Only SmtpReply text reaches the client; anything else is a generic local tempfail. */
function asSmtpError(error: unknown, log: Logger): Error {
  if (error instanceof SmtpReply) return replyError(error.responseCode, error.enhanced, error.publicMessage);
  if (!(error instanceof AppError)) log.error({ err: error }, 'mx transaction failed');
  return replyError(451, '4.3.0', 'temporary local problem, try again later');
}

function settle(decision: Promise<Decision>, callback: (error?: Error | null) => void): void {
  decision.then(
    (d) => callback(refusalOf(d) ?? null),
    () => callback(replyError(451, '4.3.0', 'temporary local problem, try again later')),
  );
}

function logTransaction(log: Logger, facts: SessionFacts, decision: Decision): void {
  log.info(
    {
      session: facts.id,
      ip: facts.remoteAddress,
      from: facts.mailFrom,
      recipients: facts.recipients.length,
      verdict: decision.verdict.action,
      findings: decision.findings.map((f) => `${f.check}=${f.result}`),
    },
    'mx transaction',
  );
}
