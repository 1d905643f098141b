/** STARTTLS: the OK goes out in cleartext, then the socket becomes a TLS socket. */
import { bad } from '../args.js';
import type { CommandHandler } from './index.js';

export const starttls: CommandHandler = async ({ session, tag, args }) => {
  args.end();
  if (session.io.secure || !session.deps.starttls) throw bad('TLS already active');
  session.tagged(tag, 'OK', 'Begin TLS negotiation now');
  await session.io.startTls();
  return { responded: true };
};
