import { writeFileSync } from 'node:fs';
import { DEFAULT_MODEL_FILE } from '../load-model.js';
import { corpusDir, readCorpus, trainable } from './corpus.js';
import { trainModel } from './train.js';

/** `npm run train`: rebuilds models/spam-model.json from the corpus's train split (no phishing_pot). */
const dir = corpusDir();
const items = readCorpus(dir).filter(trainable);
const model = await trainModel(dir, items);
const out = process.env.SEALMAIL_MODEL_OUT ?? DEFAULT_MODEL_FILE;
writeFileSync(out, `${JSON.stringify(model)}\n`);
process.stdout.write(
  `trained on ${items.length} messages (${['ham', 'spam', 'phish'].map((l) => `${l} ${items.filter((i) => i.label === l).length}`).join(', ')}); ` +
    `${Object.keys(model.weights).length} tokens -> ${out}\n`,
);
