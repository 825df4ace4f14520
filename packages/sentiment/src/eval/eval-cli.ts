import {
  crossValidateModel,
  crossValidateScorer,
  type Measures,
  measureOnUnreadHeadlines,
  scoreByRulesAsShipped,
} from './cross-validate';
import { loadFiqaPosts, loadHeadlines } from './datasets';
import { falsePositivesOnForeignHeadlines, measureExtractionOnPosts } from './extraction-eval';

/**
 * `npm run eval:sentiment`: measures the shipped scorer and the asset extractor on the shared research
 * sets (FiQA 2018 posts, SemEval-2017 headlines). Prints; writes nothing.
 */

const K = 5;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const num = (x: number) => x.toFixed(3);

const posts = await loadFiqaPosts();
const headlines = await loadHeadlines();

console.log(`Sentiment scoring (${K}-fold cross-validation, copies of a text kept in one fold)`);
console.log(
  'The shipped scorer is the rules plus learned word weights; in each fold the weights are trained',
);
console.log('on the other folds and the other set only. The rules alone are shown for comparison.');
console.log(
  'sign acc counts a score of exactly 0 (no evidence) as wrong; "with evidence" judges only non-zero scores;',
);
console.log('coverage = share of texts with a non-zero score.\n');

type Row = [string, string, string, string, string, string];
const rows: Row[] = [['set', 'scorer', 'sign acc', 'with evidence', 'pearson', 'coverage']];
const row = (set: string, scorer: string, m: Measures): Row => [
  set,
  scorer,
  pct(m.signAccuracy),
  pct(m.withEvidence),
  num(m.pearson),
  pct(m.coverage),
];
const notes: string[] = [];
for (const [name, set, other] of [
  ['posts (FiQA)', posts, headlines],
  ['headlines (SemEval)', headlines, posts],
] as const) {
  const label = `${name} n=${set.length}`;
  rows.push(row(label, 'shipped: rules + learned words', crossValidateModel(set, other, K)));
  const cv = crossValidateScorer(set, K);
  rows.push(row('', 'rules alone, tuned per fold', cv));
  rows.push(row('', 'rules alone, shipped settings', scoreByRulesAsShipped(set)));
  const picks = cv.picked.map((p) => `α=${p.alpha} move=${p.thingMove} but=${p.beforeContrast}`).join('; ');
  notes.push(`${name} rule settings picked per fold: ${picks}`);
}
const unread = measureOnUnreadHeadlines(headlines, posts);
const unreadLabel = `unread headlines n=${unread.unread}`;
rows.push(row(unreadLabel, 'shipped: rules + learned words', unread.model));
rows.push(row('', 'rules alone, shipped settings', unread.rules));

const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log('');
for (const n of notes) console.log(n);
console.log(
  "Unread headlines: the half of the headlines (odd first byte of the title's SHA-1) that nobody read while",
);
console.log('writing the lexicon; its word weights are trained on the other half and the posts only.');

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
