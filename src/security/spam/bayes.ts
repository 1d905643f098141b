import { LABELS, type ModelLabel } from './logistic.js';

/**
 * Binarised multinomial naive Bayes over the tokens of `tokenize`: the per-user model. It
 * learns one message at a time (a count goes up or down), which is what moving a message into
 * or out of Junk needs, and every token's weight is a ratio of two counts anyone can read.
 */
export { LABELS, type ModelLabel };

export interface SpamModel {
  version: 1;
  kind: 'binarised-multinomial-naive-bayes';
  /** documents seen per label, in LABELS order */
  docs: [number, number, number];
  /** token occurrences per label (sum over `tokens`) */
  totals: [number, number, number];
  /** token → documents containing it per label */
  tokens: Record<string, [number, number, number]>;
}

export function emptyModel(): SpamModel {
  return { version: 1, kind: 'binarised-multinomial-naive-bayes', docs: [0, 0, 0], totals: [0, 0, 0], tokens: {} };
}

export function labelIndex(label: ModelLabel): number {
  return LABELS.indexOf(label);
}

/** Adds (or with `weight` -1 removes) one document; counts never go below zero. */
export function addDocument(model: SpamModel, tokens: Iterable<string>, label: ModelLabel, weight = 1): void {
  const index = labelIndex(label);
  model.docs[index] = Math.max(0, model.docs[index]! + weight);
  for (const token of new Set(tokens)) {
    if (!token.includes(':')) continue; // not one of ours; also keeps `__proto__` out
    let counts = Object.hasOwn(model.tokens, token) ? model.tokens[token] : undefined;
    if (!counts) {
      if (weight < 0) continue;
      counts = [0, 0, 0];
      model.tokens[token] = counts;
    }
    const before = counts[index]!;
    counts[index] = Math.max(0, before + weight);
    model.totals[index] = Math.max(0, model.totals[index]! + counts[index]! - before);
    if (counts[0] + counts[1] + counts[2] === 0) delete model.tokens[token];
  }
}

export interface Classification {
  /** posterior probabilities in LABELS order (after the temperature below) */
  probabilities: [number, number, number];
  /** log-likelihood ratio of not-ham against ham, per known token (the evidence strength) */
  evidence: number;
  /** tokens the model knew */
  known: number;
  /** the tokens that pushed hardest towards spam/phish, for explanations */
  top: string[];
}

const ALPHA = 1;
/**
 * Naive Bayes over-counts correlated tokens, so raw posteriors are always 0 or 1. Dividing the
 * log-likelihoods by the square root of the number of known tokens keeps the scale of the
 * evidence comparable between short and long messages and gives usable probabilities.
 */
export function classify(models: readonly SpamModel[], tokens: readonly string[]): Classification {
  const docs = [0, 0, 0];
  const totals = [0, 0, 0];
  for (const model of models) {
    for (let i = 0; i < 3; i++) {
      docs[i] = (docs[i] ?? 0) + model.docs[i]!;
      totals[i] = (totals[i] ?? 0) + model.totals[i]!;
    }
  }
  const vocabulary = vocabularySize(models[0]);
  const denominators = totals.map((total) => Math.log(total + ALPHA * vocabulary));
  const logLikelihood = [0, 0, 0];
  const contributions: [string, number][] = [];
  let known = 0;
  for (const token of tokens) {
    let counts: number[] | undefined;
    for (const model of models) {
      if (!Object.hasOwn(model.tokens, token)) continue;
      const c = model.tokens[token]!;
      counts = counts ? counts.map((value, i) => value + c[i]!) : [...c];
    }
    if (!counts) continue;
    known++;
    const logs = counts.map((count, i) => Math.log(count + ALPHA) - denominators[i]!);
    for (let i = 0; i < 3; i++) logLikelihood[i] = (logLikelihood[i] ?? 0) + logs[i]!;
    contributions.push([token, Math.max(logs[1]!, logs[2]!) - logs[0]!]);
  }
  const scale = Math.sqrt(Math.max(1, known));
  const allDocs = docs.reduce((a, b) => a + b, 0) + 3;
  const logPosterior = logLikelihood.map((value, i) => value / scale + Math.log(((docs[i] ?? 0) + 1) / allDocs));
  const max = Math.max(...logPosterior);
  const exp = logPosterior.map((value) => Math.exp(value - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  const probabilities = exp.map((value) => value / sum) as [number, number, number];
  const bad = Math.max(logLikelihood[1]!, logLikelihood[2]!);
  contributions.sort((a, b) => b[1] - a[1]);
  return {
    probabilities,
    evidence: (bad - logLikelihood[0]!) / scale,
    known,
    top: contributions.slice(0, 5).map(([token]) => token),
  };
}

const vocabularies = new WeakMap<SpamModel, number>();

/** The global model is never changed after loading, so its vocabulary size is cached. */
function vocabularySize(model: SpamModel | undefined): number {
  if (!model) return 1;
  let size = vocabularies.get(model);
  if (size === undefined) {
    size = Math.max(1, Object.keys(model.tokens).length);
    vocabularies.set(model, size);
  }
  return size;
}

/** Keeps the tokens seen in at least `minDocs` documents (the committed model stays small). */
export function prune(model: SpamModel, minDocs: number): SpamModel {
  const pruned = emptyModel();
  pruned.docs = [...model.docs];
  for (const [token, counts] of Object.entries(model.tokens)) {
    if (counts[0] + counts[1] + counts[2] < minDocs) continue;
    pruned.tokens[token] = [...counts];
    for (let i = 0; i < 3; i++) pruned.totals[i] = pruned.totals[i]! + counts[i]!;
  }
  return pruned;
}

export function parseModel(json: string): SpamModel {
  const value = JSON.parse(json) as SpamModel;
  if (value?.version !== 1 || value.kind !== 'binarised-multinomial-naive-bayes' || typeof value.tokens !== 'object') {
    throw new Error('not a sealmail spam model');
  }
  return value;
}
