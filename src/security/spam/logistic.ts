/**
 * The global spam model: softmax logistic regression over the tokens of `tokenize` (binary
 * features scaled by 1/sqrt(token count)), three classes ham / spam / phish. Chosen over naive
 * Bayes because it weighs correlated tokens correctly and gives usable probabilities; it is
 * still explainable: each token has three weights you can read in the JSON, and a verdict
 * names the tokens that pushed it hardest.
 */
export const LABELS = ['ham', 'spam', 'phish'] as const;
export type ModelLabel = (typeof LABELS)[number];
type Triple = [number, number, number];

export interface LogisticModel {
  version: 1;
  kind: 'softmax-logistic-regression';
  bias: Triple;
  weights: Record<string, Triple>;
}

export interface Prediction {
  /** probabilities in LABELS order */
  probabilities: Triple;
  /** tokens the model knew */
  known: number;
  /** tokens that pushed hardest away from ham */
  top: string[];
}

export function predict(model: LogisticModel, tokens: readonly string[]): Prediction {
  const known = tokens.filter((t) => Object.hasOwn(model.weights, t));
  const scale = 1 / Math.sqrt(Math.max(1, known.length));
  const logits: Triple = [...model.bias];
  const pushes: [string, number][] = [];
  for (const token of known) {
    const w = model.weights[token]!;
    logits[0] += w[0] * scale;
    logits[1] += w[1] * scale;
    logits[2] += w[2] * scale;
    pushes.push([token, Math.max(w[1], w[2]) - w[0]]);
  }
  pushes.sort((a, b) => b[1] - a[1]);
  return { probabilities: softmax(logits), known: known.length, top: pushes.slice(0, 5).map(([t]) => t) };
}

function softmax(logits: Triple): Triple {
  const max = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - max)) as Triple;
  const sum = e[0] + e[1] + e[2];
  return [e[0] / sum, e[1] / sum, e[2] / sum];
}

export interface TrainingDocument {
  tokens: readonly string[];
  label: ModelLabel;
}

export interface TrainingOptions {
  /** tokens in fewer documents are left out (noise, and the model stays small) */
  minDocs: number;
  epochs: number;
  l2: number;
  learningRate: number;
  seed: number;
  /** runs over differently shuffled data whose weights are averaged: steadier rankings at the ham end */
  runs: number;
  /** how much more a ham message's error costs: a lost good mail is worse than a missed spam */
  hamCost: number;
}

export const TRAINING_DEFAULTS: TrainingOptions = { minDocs: 3, epochs: 15, l2: 1e-4, learningRate: 0.5, seed: 1337, runs: 5, hamCost: 1.5 };

/** The average of `runs` fits with seeds seed, seed+1, …; deterministic for a given seed. */
export function train(documents: readonly TrainingDocument[], options: TrainingOptions = TRAINING_DEFAULTS): LogisticModel {
  const fits = Array.from({ length: Math.max(1, options.runs) }, (_, i) => fitOnce(documents, { ...options, seed: options.seed + i }));
  const weights = new Map<string, Triple>();
  for (const fit of fits) {
    for (const [token, w] of fit.weights) {
      const sum = weights.get(token) ?? [0, 0, 0];
      for (let k = 0; k < 3; k++) sum[k]! += w[k]! / fits.length;
      weights.set(token, sum);
    }
  }
  const bias = [0, 1, 2].map((k) => fits.reduce((sum, fit) => sum + fit.bias[k]!, 0) / fits.length) as Triple;
  const rounded: Record<string, Triple> = {};
  for (const [t, w] of [...weights].sort(([a], [b]) => (a < b ? -1 : 1))) {
    rounded[t] = [round(w[0]), round(w[1]), round(w[2])];
  }
  return { version: 1, kind: 'softmax-logistic-regression', bias: [round(bias[0]), round(bias[1]), round(bias[2])], weights: rounded };
}

/** AdaGrad on the cross-entropy with L2, one pass order per seed. */
function fitOnce(documents: readonly TrainingDocument[], options: TrainingOptions): { bias: Triple; weights: Map<string, Triple> } {
  const df = new Map<string, number>();
  for (const doc of documents) for (const t of new Set(doc.tokens)) df.set(t, (df.get(t) ?? 0) + 1);
  const data = documents.map((doc) => {
    const tokens = [...new Set(doc.tokens)].filter((t) => (df.get(t) ?? 0) >= options.minDocs && t.includes(':'));
    return { tokens, scale: 1 / Math.sqrt(Math.max(1, tokens.length)), y: LABELS.indexOf(doc.label) };
  });
  const weights = new Map<string, Triple>();
  const squared = new Map<string, Triple>();
  const bias: Triple = [0, 0, 0];
  const random = mulberry32(options.seed);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = data.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [data[i], data[j]] = [data[j]!, data[i]!];
    }
    for (const doc of data) {
      const logits: Triple = [...bias];
      for (const t of doc.tokens) {
        const w = weights.get(t);
        if (w) for (let k = 0; k < 3; k++) logits[k]! += w[k]! * doc.scale;
      }
      const p = softmax(logits);
      const cost = doc.y === 0 ? options.hamCost : 1;
      const gradient = p.map((value, k) => cost * (value - (k === doc.y ? 1 : 0)));
      for (let k = 0; k < 3; k++) bias[k]! -= 0.05 * gradient[k]!;
      for (const t of doc.tokens) {
        let w = weights.get(t);
        let g = squared.get(t);
        if (!w || !g) {
          w = [0, 0, 0];
          g = [1e-8, 1e-8, 1e-8];
          weights.set(t, w);
          squared.set(t, g);
        }
        for (let k = 0; k < 3; k++) {
          const step = gradient[k]! * doc.scale + options.l2 * w[k]!;
          g[k]! += step * step;
          w[k]! -= (options.learningRate * step) / Math.sqrt(g[k]!);
        }
      }
    }
  }
  return { bias, weights };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function parseLogisticModel(json: string): LogisticModel {
  const value = JSON.parse(json) as LogisticModel;
  if (value?.version !== 1 || value.kind !== 'softmax-logistic-regression' || typeof value.weights !== 'object') {
    throw new Error('not a sealmail spam model');
  }
  return value;
}

export function emptyLogisticModel(): LogisticModel {
  return { version: 1, kind: 'softmax-logistic-regression', bias: [0, 0, 0], weights: {} };
}
