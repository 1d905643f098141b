import { configSchema } from '../../../config/schema.js';
import { contentDepsFromConfig } from '../../content/deps.js';
import { corpusDir, readCorpus } from './corpus.js';
import { predict, report } from './evaluate.js';

/** `npm run eval:spam`: the committed model and the default policy on the corpus's test split. */
const dir = corpusDir();
const items = readCorpus(dir).filter((item) => item.set === 'test');
const deps = contentDepsFromConfig(configSchema.parse({}));
const started = performance.now();
const predictions = await predict(dir, items, deps);
const seconds = (performance.now() - started) / 1000;
const { text } = report(predictions);
process.stdout.write(`test split: ${items.length} messages in ${seconds.toFixed(1)} s\n${text}\n`);
if (process.env.SEALMAIL_EVAL_VERBOSE) {
  for (const p of predictions) {
    const wrong = (p.item.label === 'ham') !== (p.verdict.action === 'accept');
    if (wrong) {
      const tests = p.verdict.findings.map((f) => `${f.result}:${f.points}`).join(' ');
      process.stdout.write(`MISS ${p.item.path} ${p.verdict.spam.score} ${tests}\n`);
    }
  }
}
