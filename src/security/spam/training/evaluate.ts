import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ContentDeps, scanMessage } from '../../content/scan.js';
import type { ContentVerdict } from '../../content/types.js';
import { LABELS } from '../logistic.js';
import type { CorpusItem } from './corpus.js';

export interface Prediction {
  item: CorpusItem;
  verdict: ContentVerdict;
}

export async function predict(dir: string, items: CorpusItem[], deps: ContentDeps): Promise<Prediction[]> {
  const out: Prediction[] = [];
  for (const item of items) {
    out.push({ item, verdict: await scanMessage(readFileSync(join(dir, item.path)), deps) });
  }
  return out;
}

const pct = (n: number, d: number) => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(2).padStart(6)}%`);
const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);

/** Per-label precision, recall, F1 and FPR, then "caught" (not accepted) per label and source. */
export function report(predictions: Prediction[]): { text: string; hamFpr: number; spamRecall: number; phishRecall: number } {
  const lines: string[] = ['label   precision  recall     F1      FPR     (n)'];
  for (const label of LABELS) {
    const tp = predictions.filter((p) => p.item.label === label && p.verdict.spam.label === label).length;
    const fp = predictions.filter((p) => p.item.label !== label && p.verdict.spam.label === label).length;
    const fn = predictions.filter((p) => p.item.label === label && p.verdict.spam.label !== label).length;
    const negatives = predictions.filter((p) => p.item.label !== label).length;
    const precision = ratio(tp, tp + fp);
    const recall = ratio(tp, tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    lines.push(
      `${label.padEnd(6)}  ${precision.toFixed(4)}    ${recall.toFixed(4)}   ${f1.toFixed(4)}  ${pct(fp, negatives)}  (${tp + fn})`,
    );
  }
  const caught = (filter: (p: Prediction) => boolean) => {
    const subset = predictions.filter(filter);
    return { n: subset.filter((p) => p.verdict.action !== 'accept').length, d: subset.length };
  };
  const ham = caught((p) => p.item.label === 'ham');
  const spam = caught((p) => p.item.label === 'spam');
  const phish = caught((p) => p.item.label === 'phish');
  lines.push('', 'filtered (junk or reject) as a positive, ham as the negative:');
  lines.push(`ham FPR        ${pct(ham.n, ham.d)}  (${ham.n}/${ham.d})  target <= 0.5%`);
  lines.push(`spam recall    ${pct(spam.n, spam.d)}  (${spam.n}/${spam.d})  target >= 95%`);
  lines.push(`phish recall   ${pct(phish.n, phish.d)}  (${phish.n}/${phish.d})  target >= 90%`);
  const groups = [...new Set(predictions.map((p) => p.item.group))];
  for (const group of groups) {
    const g = caught((p) => p.item.group === group);
    lines.push(`  ${group.padEnd(20)} filtered ${pct(g.n, g.d)} (${g.n}/${g.d})`);
  }
  const rejected = predictions.filter((p) => p.item.label === 'ham' && p.verdict.action === 'reject').length;
  lines.push(`ham rejected at DATA: ${rejected}`);
  return {
    text: lines.join('\n'),
    hamFpr: ratio(ham.n, ham.d),
    spamRecall: ratio(spam.n, spam.d),
    phishRecall: ratio(phish.n, phish.d),
  };
}
