/** IDLE (RFC 2177): changes from other sessions are pushed until the client sends DONE. */
import { bad } from '../args.js';
import type { CommandHandler } from './index.js';

export const idle: CommandHandler = async ({ session, args }) => {
  args.end();
  session.io.write('+ idling\r\n');
  let flushing = Promise.resolve();
  const push = () => {
    flushing = flushing.then(() => session.flushChanges(true)).catch(() => {});
  };
  session.onChange = push;
  push();
  try {
    const line = await session.io.readLine();
    if (line.trim().toUpperCase() !== 'DONE') throw bad('Expected DONE');
  } finally {
    session.onChange = undefined;
    await flushing;
  }
  return { text: 'IDLE terminated' };
};
