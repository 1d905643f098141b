import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../../content/limits.js';
import { parseMessage } from '../../content/parse.js';
import { type LogisticModel, TRAINING_DEFAULTS, type TrainingDocument, train } from '../logistic.js';
import { tokenize } from '../tokenize.js';
import type { CorpusItem } from './corpus.js';

/** Tokenises the given corpus items and fits the logistic model. */
export async function trainModel(dir: string, items: CorpusItem[]): Promise<LogisticModel> {
  const documents: TrainingDocument[] = [];
  for (const item of items) {
    const message = await parseMessage(readFileSync(join(dir, item.path)), DEFAULT_LIMITS);
    documents.push({ tokens: tokenize(message), label: item.label });
  }
  return train(documents, TRAINING_DEFAULTS);
}
