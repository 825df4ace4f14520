import { scoreSentiment } from '@tradehits/core/sentiment-model';
import { scoreByRules } from '@tradehits/core/sentiment-score';
import { loadFiqaPosts, loadHeadlines } from '@tradehits/sentiment/eval/datasets';
import { type BenchRow, type BenchSuite, interleave, rateRow } from './lib';

/**
 * Sentiment scoring throughput on the shared posts and headlines: the shipped scorer (rules plus
 * learned words) in texts per second, with its ratio to the rules alone. The two alternate pass by pass
 * after warm-up, so a machine busy for a while slows both alike.
 */
export async function benchSentiment(): Promise<BenchRow[]> {
  const texts = [...(await loadHeadlines()), ...(await loadFiqaPosts())].map((t) => t.text);
  let sink = 0;
  const samples = await interleave(
    {
      rules: () => {
        for (const t of texts) sink += scoreByRules(t).score;
      },
      shipped: () => {
        for (const t of texts) sink += scoreSentiment(t).score;
      },
    },
    { runs: 9, warmUp: 3 },
  );
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the scores alive');
  const rules = rateRow(`rules alone (${texts.length} real texts)`, texts.length, samples.rules, 'texts/s');
  const shipped = rateRow('shipped scorer (rules + learned words)', texts.length, samples.shipped, 'texts/s');
  return [rules, { ...shipped, ratio: shipped.value / rules.value, baseline: rules.name }];
}

/** The sentiment suite for `npm run bench`. */
export const sentimentSuite: BenchSuite = { name: 'sentiment', run: () => benchSentiment() };
