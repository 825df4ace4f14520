import { writeFile } from 'node:fs/promises';
import { loadFiqaPosts, loadHeadlines } from './datasets';
import { renderModelModule, SHIPPED_MODEL_FILE, trainSentimentModel } from './train';

/**
 * `npm run train:sentiment`: trains the learned word weights on every post and headline of the shared
 * sets and writes them to core, where the scorer ships them. Run it after changing the lexicon.
 */

const texts = [...(await loadHeadlines()), ...(await loadFiqaPosts())];
const model = trainSentimentModel(texts);
await writeFile(SHIPPED_MODEL_FILE, renderModelModule(model));
console.log(
  `Trained on ${texts.length} texts: rule weight ${model.ruleWeight}, ${Object.keys(model.weights).length} word features.`,
);
console.log(`Wrote ${SHIPPED_MODEL_FILE}`);
