import net from 'node:net';
import type { Logger } from '../../log/logger.js';
import { adoptServer, type Listener } from '../../net/listener.js';
import type { Guard } from './guard.js';

/**
 * A trap port (`[guard] trap_ports`): nothing legitimate listens there, so whoever connects is
 * scanning. The IP is banned on every listener (and every node, with Redis) and the socket dropped
 * without a byte sent.
 */
export async function startTrapListener(options: { host: string; port: number; guard: Guard; log: Logger }): Promise<Listener> {
  const { guard, log, port } = options;
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    const ip = socket.remoteAddress ?? '';
    guard
      .onTrap(ip, port)
      .catch((error) => log.warn({ err: error }, 'trap ban failed'))
      .finally(() => socket.destroy());
  });
  return adoptServer(`trap:${port}`, server, options.host, port, log);
}
