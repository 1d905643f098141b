import type { SMTPServer, SMTPServerSession } from 'smtp-server';

/** The parts of smtp-server's (untyped) connection object we rely on. */
interface ConnectionLike {
  session: SMTPServerSession;
  send(code: number, data?: string | string[], context?: unknown): void;
  close(): void;
}

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

export function connectionOf(server: SMTPServer, session: SMTPServerSession): ConnectionLike | undefined {
  for (const connection of (server as unknown as { connections: Set<ConnectionLike> }).connections) {
    if (connection.session === session) return connection;
  }
  return undefined;
}

/**
 * smtp-server derives the enhanced status code from the basic code alone (every 550 becomes 5.1.1).
 * Our replies carry their own ("5.7.1 …"): for those, the connection must not add another.
 */
export function useOwnEnhancedCodes(connection: ConnectionLike): void {
  const send = connection.send.bind(connection);
  connection.send = (code, data, context) =>
    typeof data === 'string' && ENHANCED.test(data) ? send(code, data, false) : send(code, data, context);
}

/** Cuts a session off after `ms`, however active it is (the idle timeout only catches silent clients). */
export function limitSessionTime(connection: ConnectionLike, ms: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    connection.send(421, '4.4.2 session time limit reached, closing connection');
    connection.close();
  }, ms);
  timer.unref();
  return timer;
}
