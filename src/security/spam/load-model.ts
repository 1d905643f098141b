import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { emptyLogisticModel, type LogisticModel, parseLogisticModel } from './logistic.js';

/** The committed model, `models/spam-model.json` at the repository root (`npm run train`). */
export const DEFAULT_MODEL_FILE = fileURLToPath(new URL('../../../models/spam-model.json', import.meta.url));

/** Reads a model; a missing default model is an empty one (every message scores neutral). */
export function loadSpamModel(file: string = DEFAULT_MODEL_FILE): LogisticModel {
  try {
    return parseLogisticModel(readFileSync(file, 'utf8'));
  } catch (error) {
    if (file === DEFAULT_MODEL_FILE && (error as NodeJS.ErrnoException).code === 'ENOENT') return emptyLogisticModel();
    throw error;
  }
}
