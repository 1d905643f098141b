import { execFileSync } from 'node:child_process';

/** Grep of a directory tree: the files that contain `needle` (none: ''). */
export function grepTree(dir: string, needle: string): string {
  try {
    return execFileSync('grep', ['-r', '-l', '-a', needle, dir]).toString();
  } catch (error) {
    if ((error as { status?: number }).status === 1) return '';
    throw error;
  }
}
