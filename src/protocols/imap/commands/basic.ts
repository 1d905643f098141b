/** CAPABILITY, NOOP, CHECK, LOGOUT, ID, NAMESPACE, ENABLE: commands without store work. */
import { imapValue } from '../encode.js';
import type { CommandHandler } from './index.js';

export const capability: CommandHandler = async ({ session, args }) => {
  args.end();
  session.untagged(`CAPABILITY ${session.capabilities().join(' ')}`);
  return undefined;
};

/** Pending changes are flushed by the session after every command; NOOP just asks for them. */
export const noop: CommandHandler = async ({ args }) => {
  args.end();
  return undefined;
};

export const check = noop;

export const logout: CommandHandler = async ({ session, args }) => {
  args.end();
  session.untagged('BYE Logging out');
  session.state = 'logout';
  return undefined;
};

export const id: CommandHandler = async ({ session, args }) => {
  args.next('ID parameters'); // the client's ID is not logged: it can identify a person
  args.end();
  session.untagged(Buffer.concat([Buffer.from('ID '), imapValue(['name', 'sealmail'])]));
  return undefined;
};

export const namespace: CommandHandler = async ({ session, args }) => {
  args.end();
  session.untagged('NAMESPACE (("" "/")) NIL NIL');
  return undefined;
};

export const enable: CommandHandler = async ({ session, args }) => {
  const enabled: string[] = [];
  if (args.remaining === 0) args.atom('capability');
  while (args.remaining > 0) {
    const capabilityName = args.atom('capability').toUpperCase();
    if (capabilityName === 'CONDSTORE' && !session.condstore) {
      session.condstore = true;
      enabled.push('CONDSTORE');
    }
  }
  session.untagged(`ENABLED${enabled.map((c) => ` ${c}`).join('')}`);
  return undefined;
};
