/** LOGIN and AUTHENTICATE PLAIN (with SASL-IR); both refused on cleartext (LOGINDISABLED). */
import { decodeSaslPlain, loginToMailbox } from '../../login.js';
import { bad, no } from '../args.js';
import type { ImapSession } from '../session.js';
import type { CommandHandler } from './index.js';

function requireTls(session: ImapSession): void {
  if (!session.io.secure && session.deps.starttls) throw no('Use STARTTLS first', 'PRIVACYREQUIRED');
}

async function finish(session: ImapSession, username: string, password: string) {
  const outcome = await loginToMailbox(session.deps, { ip: session.io.ip, protocol: 'imap', username, password });
  const address = username.slice(0, 256);
  if (!outcome.ok) {
    session.deps.log.info({ ip: session.io.ip, address, protocol: 'imap', reason: outcome.reason }, 'login failed');
    const reason = outcome.reason === 'blocked' ? 'UNAVAILABLE' : 'AUTHENTICATIONFAILED';
    throw no('Authentication failed', reason);
  }
  session.deps.log.info({ ip: session.io.ip, address, protocol: 'imap' }, 'login');
  session.authenticated(outcome.session);
  return { code: `CAPABILITY ${session.capabilities().join(' ')}`, text: 'Logged in' };
}

export const login: CommandHandler = async ({ session, args }) => {
  requireTls(session);
  const username = args.string('user name');
  const password = args.string('password');
  args.end();
  return finish(session, username, password);
};

export const authenticate: CommandHandler = async ({ session, args }) => {
  const mechanism = args.atom('mechanism').toUpperCase();
  if (mechanism !== 'PLAIN') throw no('Unsupported mechanism', 'CANNOT');
  requireTls(session);
  let response = args.remaining > 0 ? args.string('initial response') : undefined;
  args.end();
  if (response === undefined) {
    session.io.write('+ \r\n');
    response = (await session.io.readLine()).trim();
  }
  if (response === '*') throw bad('Authentication cancelled');
  const credentials = decodeSaslPlain(response === '=' ? '' : response);
  if (!credentials) throw bad('Malformed PLAIN response');
  return finish(session, credentials.username, credentials.password);
};
