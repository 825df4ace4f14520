import { readFile } from 'node:fs/promises';
import { textFeatures } from '@tradehits/core/sentiment-model';
import { describe, expect, it } from 'vitest';
import { crossValidateModel, measureOnUnreadHeadlines, textFolds } from './cross-validate';
import { type GoldText, loadFiqaPosts, loadHeadlines } from './datasets';
import { renderModelModule, SHIPPED_MODEL_FILE, trainSentimentModel } from './train';

const posts = await loadFiqaPosts();
const headlines = await loadHeadlines();
const text = (t: string, gold: number): GoldText => ({ id: t, text: t, gold, target: '' });

describe('trainSentimentModel', () => {
  it('learns the sign of words the rules do not know', () => {
    const set = [
      ...['Acme to open stores', 'Bolt to open stores', 'Cora to open stores'].map((t) => text(t, 0.5)),
      ...['Acme lays off staff', 'Bolt lays off staff', 'Cora lays off staff'].map((t) => text(t, -0.5)),
    ];
    const model = trainSentimentModel(set);
    expect(model.weights['open stores']).toBeGreaterThan(0);
    expect(model.weights['lays off']).toBeLessThan(0);
  });

  it('ships no feature that only one text has, and ignores texts with a gold of 0', () => {
    const model = trainSentimentModel([
      text('Acme to open stores', 0.5),
      text('Bolt to open stores', 0.5),
      text('Cora unveils zeppelin', 0.5),
      text('Dune lays off staff', -0.5),
      text('Dune lays off staff', -0.5),
      text('Acme says nothing new', 0),
    ]);
    expect(model.weights.stores).toBeGreaterThan(0);
    expect(model.weights.zeppelin).toBeUndefined();
    // Two copies of one text are still one text.
    expect(model.weights.staff).toBeUndefined();
    expect(model.weights.says).toBeUndefined();
  });

  it('ships exactly what training on the shared sets gives (run `npm run train:sentiment` after a change)', async () => {
    const shipped = await readFile(SHIPPED_MODEL_FILE, 'utf8');
    expect(shipped).toBe(renderModelModule(trainSentimentModel([...headlines, ...posts])));
  });

  it('ships no feature that names a single shared text', () => {
    const model = trainSentimentModel([...headlines, ...posts]);
    const texts = [...new Set([...headlines, ...posts].map((t) => t.text))];
    const seenIn = new Map<string, number>();
    for (const t of texts) for (const f of textFeatures(t)) seenIn.set(f, (seenIn.get(f) ?? 0) + 1);
    expect(Object.keys(model.weights).filter((f) => seenIn.get(f)! < 2)).toEqual([]);
  });
});

describe('measured accuracy', () => {
  it('keeps every copy of a text in one fold', () => {
    const folds = textFolds(headlines, 5);
    const foldOf = new Map<string, number>();
    folds.forEach((fold, f) => {
      for (const i of fold) {
        const seen = foldOf.get(headlines[i]!.text);
        expect(seen ?? f).toBe(f);
        foldOf.set(headlines[i]!.text, f);
      }
    });
    expect(folds.flat().sort((a, b) => a - b)).toEqual(headlines.map((_, i) => i));
  });

  it('reaches 75 % sign accuracy on headlines it was not trained or tuned on', () => {
    expect(measureOnUnreadHeadlines(headlines, posts).model.signAccuracy).toBeGreaterThanOrEqual(0.75);
    expect(crossValidateModel(headlines, posts).signAccuracy).toBeGreaterThanOrEqual(0.75);
  });
});
