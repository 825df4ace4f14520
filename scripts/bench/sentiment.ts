import { scoreSentiment } from '@tradehits/core/sentiment-model';
import { scoreByRules } from '@tradehits/core/sentiment-score';
import { loadFiqaPosts, loadHeadlines } from '@tradehits/sentiment/eval/datasets';

/**
 * Sentiment scoring throughput on the shared posts and headlines: the shipped scorer (rules plus
 * learned words) in texts per second, with its ratio to the rules alone measured in the same run.
 * Median of several passes after warm-up.
 */

const RUNS = 9;
const WARM_UP = 3;

function textsPerSecond(texts: readonly string[], score: (text: string) => number): number {
  const rates: number[] = [];
  let sink = 0;
  for (let run = 0; run < WARM_UP + RUNS; run++) {
    const start = performance.now();
    for (const t of texts) sink += score(t);
    const seconds = (performance.now() - start) / 1000;
    if (run >= WARM_UP) rates.push(texts.length / seconds);
  }
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the scores alive');
  return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
}

export async function benchSentiment(): Promise<
  { name: string; value: number; unit: string; ratio?: number }[]
> {
  const texts = [...(await loadHeadlines()), ...(await loadFiqaPosts())].map((t) => t.text);
  const rules = textsPerSecond(texts, (t) => scoreByRules(t).score);
  const shipped = textsPerSecond(texts, (t) => scoreSentiment(t).score);
  return [
    { name: `rules alone (${texts.length} real texts)`, value: Math.round(rules), unit: 'texts/s' },
    {
      name: 'shipped scorer (rules + learned words)',
      value: Math.round(shipped),
      unit: 'texts/s',
      ratio: shipped / rules,
    },
  ];
}
