import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A real clamd (Debian `clamav-daemon`) on a unix socket in a temp dir, loading only the test
 * signature database in test/fixtures/clamav (EICAR): there is no internet for freshclam, and
 * a one-signature database starts in about a second.
 */
export const CLAMAV_TEST_DB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/clamav');

export interface TestClamd {
  socket: string;
  close(): Promise<void>;
}

export async function startClamd(): Promise<TestClamd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealmail-clamd-'));
  const socket = path.join(dir, 'clamd.sock');
  const config = path.join(dir, 'clamd.conf');
  writeFileSync(
    config,
    [
      'Foreground yes',
      `LocalSocket ${socket}`,
      `DatabaseDirectory ${CLAMAV_TEST_DB}`,
      `LogFile ${path.join(dir, 'clamd.log')}`,
      `PidFile ${path.join(dir, 'clamd.pid')}`,
      ...(process.getuid?.() === 0 ? ['User root'] : []),
      'StreamMaxLength 25M',
      'SelfCheck 0',
      '',
    ].join('\n'),
  );
  const binary = ['/usr/sbin/clamd', '/usr/bin/clamd'].find((p) => existsSync(p)) ?? 'clamd';
  const child: ChildProcess = spawn(binary, [`--config-file=${config}`], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!(await ping(socket))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error('clamd did not start (is clamav-daemon installed?)');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    socket,
    async close() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(socket)) return resolve(false);
    const connection = connect({ path: socket });
    let reply = '';
    connection.on('data', (chunk) => {
      reply += chunk;
    });
    connection.on('error', () => resolve(false));
    connection.on('close', () => resolve(reply.includes('PONG')));
    connection.end('zPING\0');
  });
}

/** The EICAR test file, assembled here so no file in the repository trips a scanner. */
export function eicar(): Buffer {
  return Buffer.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''));
}
