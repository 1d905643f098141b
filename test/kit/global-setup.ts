import { execFileSync } from 'node:child_process';

/** CLI and child-process tests run the built `dist/`; build it once so it is never stale. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
