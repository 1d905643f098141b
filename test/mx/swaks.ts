import { execFile } from 'node:child_process';

export interface SwaksResult {
  code: number;
  output: string;
}

/** Runs the real swaks client; resolves with its exit code and transcript (never rejects). */
export function swaks(args: string[], input?: string): Promise<SwaksResult> {
  return new Promise((resolve) => {
    const child = execFile('swaks', ['--hide-informational', ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
    // Always close stdin: an option swaks would prompt for fails fast instead of hanging.
    child.stdin?.end(input ?? '');
  });
}

/** The last server reply before QUIT that swaks printed ("<** 550 …", "<-  250 …", "<~* 550 …" under TLS). */
export function lastReply(output: string): string {
  const lines = output.split('\n').filter((l) => /^<(\*\*|-|~\*|~)\s+\d{3}/.test(l) && !/\s221[\s-]/.test(l));
  return (lines.at(-1) ?? '').replace(/^<(\*\*|-|~\*|~)\s+/, '').trim();
}
