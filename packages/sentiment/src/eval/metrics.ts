/** Evaluation measures for scores against gold labels. Pure. */

/** Pearson correlation; NaN when either side has no variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n !== ys.length) throw new Error(`pearson: lengths differ (${n} vs ${ys.length})`);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Share of texts with a non-zero gold score whose predicted sign matches it. A prediction of exactly 0
 * counts as wrong (the scorer found no evidence), so this is the strict measure.
 */
export function signAccuracy(predicted: readonly number[], gold: readonly number[]): number {
  let judged = 0;
  let right = 0;
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] === 0) continue;
    judged++;
    if (Math.sign(predicted[i]!) === Math.sign(gold[i]!)) right++;
  }
  return judged === 0 ? Number.NaN : right / judged;
}

/** Sign accuracy over only the texts the scorer found evidence in (a non-zero score). */
export function signAccuracyWithEvidence(predicted: readonly number[], gold: readonly number[]): number {
  const kept = predicted.flatMap((p, i) => (p !== 0 ? [i] : []));
  return signAccuracy(
    kept.map((i) => predicted[i]!),
    kept.map((i) => gold[i]!),
  );
}

/** Share of texts the scorer gave a non-zero score. */
export function coverage(predicted: readonly number[]): number {
  return predicted.filter((p) => p !== 0).length / predicted.length;
}

/** Deterministic k folds: a seeded shuffle of the indexes, dealt round-robin. */
export function kFolds(n: number, k: number, seed = 1): number[][] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32: reproducible folds without a dependency.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  order.forEach((idx, pos) => {
    folds[pos % k]!.push(idx);
  });
  return folds;
}

/** Precision, recall and F1 from counts. */
export function prf(tp: number, fp: number, fn: number): { precision: number; recall: number; f1: number } {
  const precision = tp + fp === 0 ? Number.NaN : tp / (tp + fp);
  const recall = tp + fn === 0 ? Number.NaN : tp / (tp + fn);
  const f1 = (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
