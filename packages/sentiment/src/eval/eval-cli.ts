import { crossValidateScorer, scoreAsShipped } from './cross-validate';
import { loadFiqaPosts, loadHeadlines } from './datasets';
import { falsePositivesOnForeignHeadlines, measureExtractionOnPosts } from './extraction-eval';
import { crossValidateNaiveBayes } from './naive-bayes';

/**
 * `npm run eval:sentiment`: measures the shipped scorer and the asset extractor on the shared research
 * sets (FiQA 2018 posts, SemEval-2017 headlines). Prints; writes nothing.
 */

const K = 5;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const num = (x: number) => x.toFixed(3);

const posts = await loadFiqaPosts();
const headlines = await loadHeadlines();

console.log(`Sentiment scoring (${K}-fold cross-validation; settings tuned on the training folds only)`);
console.log(
  'sign acc counts a score of exactly 0 (no evidence) as wrong; "with evidence" judges only non-zero scores;',
);
console.log('coverage = share of texts with a non-zero score.\n');
const rows: [string, string, string, string, string, string][] = [
  ['set', 'scorer', 'sign acc', 'with evidence', 'pearson', 'coverage'],
];
for (const [name, set] of [
  ['posts (FiQA)', posts],
  ['headlines (SemEval)', headlines],
] as const) {
  const cv = crossValidateScorer(set, K);
  const shipped = scoreAsShipped(set);
  const nb = crossValidateNaiveBayes(set, K);
  rows.push([
    `${name} n=${set.length}`,
    'rules, tuned per fold',
    pct(cv.signAccuracy),
    pct(cv.withEvidence),
    num(cv.pearson),
    pct(cv.coverage),
  ]);
  rows.push([
    '',
    'rules, shipped defaults',
    pct(shipped.signAccuracy),
    '',
    num(shipped.pearson),
    pct(shipped.coverage),
  ]);
  rows.push(['', 'naive Bayes (not shipped)', pct(nb.signAccuracy), '', num(nb.pearson), '-']);
  const picks = cv.picked.map((p) => `α=${p.alpha} move=${p.thingMove} but=${p.beforeContrast}`).join('; ');
  rows.push(['', `  picked: ${picks}`, '', '', '', '']);
}
const widths = rows[0]!.map((_, c) =>
  Math.max(...rows.filter((r) => !r[1].startsWith('  ')).map((r) => r[c]!.length)),
);
for (const r of rows) {
  if (r[1].startsWith('  ')) console.log(`${' '.repeat(widths[0]!)}  ${r[1]}`);
  else console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
}

const extraction = measureExtractionOnPosts(posts);
const foreign = falsePositivesOnForeignHeadlines(headlines);
console.log('\nAsset extraction');
console.log('FiQA posts name one target each (a ticker, often outside our universe).');
console.log(
  `  general (target found as a ticker): precision ${pct(extraction.general.precision)}, recall ${pct(extraction.general.recall)}` +
    `  (tp ${extraction.general.tp}, fp ${extraction.general.fp}, fn ${extraction.general.fn})`,
);
console.log(
  `  our universe (target mapped to our symbols): precision ${pct(extraction.universe.precision)}, recall ${pct(extraction.universe.recall)}` +
    `  (tp ${extraction.universe.tp}, fp ${extraction.universe.fp}, fn ${extraction.universe.fn})`,
);
console.log(
  '  precision is a lower bound: a second asset a post really mentions counts as a false positive.',
);
console.log(
  `SemEval headlines target companies outside our universe; ${foreign.withOurSymbols} of ${foreign.headlines} distinct headlines yield one of our symbols.`,
);
console.log(
  '  Each is a false positive unless the headline really names our asset beside its target; they are listed to judge:',
);
for (const h of foreign.hits.slice(0, 10)) console.log(`    ${h.symbols.join(',')}  ${h.text}`);
