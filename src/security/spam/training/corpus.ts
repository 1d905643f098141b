import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelLabel } from '../logistic.js';

/**
 * The labelled corpus lives outside the repository (`../shared/corpus` from the repo root,
 * or SEALMAIL_CORPUS); its messages are never copied into the project.
 */
export interface CorpusItem {
  path: string;
  label: ModelLabel;
  set: 'train' | 'test';
  group: string;
}

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function corpusDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.SEALMAIL_CORPUS
    ? [resolve(env.SEALMAIL_CORPUS)]
    : [resolve(REPO_ROOT, '../shared/corpus'), resolve(REPO_ROOT, '../../shared/corpus')];
  const found = candidates.find((dir) => existsSync(join(dir, 'split.tsv')));
  if (!found) throw new Error(`corpus not found (looked in ${candidates.join(', ')}); set SEALMAIL_CORPUS`);
  return found;
}

export function readCorpus(dir: string): CorpusItem[] {
  const groups = new Map<string, string>();
  const sources = readFileSync(join(dir, 'sources.tsv'), 'utf8').trim().split('\n');
  const header = sources[0]?.split('\t') ?? [];
  const groupColumn = header.indexOf('group');
  for (const line of sources.slice(1)) {
    const fields = line.split('\t');
    groups.set(fields[0] ?? '', fields[groupColumn] ?? '');
  }
  return readFileSync(join(dir, 'split.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [path = '', label = '', set = ''] = line.split('\t');
      return { path, label: label as ModelLabel, set: set as 'train' | 'test', group: groups.get(path) ?? '' };
    });
}

/** phishing_pot is CC BY-NC: it may be used to evaluate, never to train the shipped model. */
export function trainable(item: CorpusItem): boolean {
  return item.set === 'train' && item.group !== 'phishing_pot';
}
