import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Loaders for the shared research sets (FiQA 2018 task 1 posts, SemEval-2017 task 5 headlines).
 * They are read at run time for evaluation only and never copied into the product.
 */

/** A text with its gold sentiment in [−1, 1] and the asset the annotators say it is about. */
export interface GoldText {
  id: string;
  text: string;
  gold: number;
  target: string;
}

/** `<repo>/../shared/data/sentiment`, the shared data folder beside the checkout. */
export const SHARED_SENTIMENT_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/data/sentiment',
);

interface FiqaRecord {
  sentence: string;
  info: { sentiment_score: string; target: string }[];
}

/** FiQA microblog posts: one target and gold score per post. */
export async function loadFiqaPosts(dir = SHARED_SENTIMENT_DIR): Promise<GoldText[]> {
  const raw = JSON.parse(await readFile(path.join(dir, 'fiqa2018_task1_posts.json'), 'utf8')) as Record<
    string,
    FiqaRecord
  >;
  return Object.entries(raw).flatMap(([id, r]) =>
    r.info.map((info, k) => ({
      id: r.info.length > 1 ? `${id}.${k}` : id,
      text: r.sentence,
      gold: Number(info.sentiment_score),
      target: info.target,
    })),
  );
}

interface HeadlineRecord {
  id: number;
  company: string;
  title: string;
  sentiment: number;
}

/** SemEval headlines: the same title can appear once per company it names, with different scores. */
export async function loadHeadlines(dir = SHARED_SENTIMENT_DIR): Promise<GoldText[]> {
  const raw = JSON.parse(
    await readFile(path.join(dir, 'semeval2017_task5_headlines_dev.json'), 'utf8'),
  ) as HeadlineRecord[];
  return raw.map((r, k) => ({ id: `${r.id}.${k}`, text: r.title, gold: r.sentiment, target: r.company }));
}
