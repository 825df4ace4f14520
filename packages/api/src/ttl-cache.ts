/**
 * Wraps `load` so that it runs at most once per `ttlMs`: callers within that time of the last
 * success get its value, callers while a load is running share that load, and a failed load is not
 * kept, so the next caller tries again rather than being served an old success.
 * The time is counted from when a load settles, so a load slower than `ttlMs` never overlaps itself.
 */
export function ttlCache<T>(
  ttlMs: number,
  load: () => Promise<T>,
  now: () => number = () => performance.now(),
): () => Promise<T> {
  let fresh: { value: T; at: number } | null = null;
  let inflight: Promise<T> | null = null;
  return () => {
    if (inflight) return inflight;
    if (fresh && now() - fresh.at < ttlMs) return Promise.resolve(fresh.value);
    fresh = null;
    // Started on the next microtask, so that `inflight` is set before even a synchronous throw settles it.
    const run = Promise.resolve()
      .then(() => load())
      .then((value) => {
        fresh = { value, at: now() };
        return value;
      })
      .finally(() => {
        inflight = null;
      });
    inflight = run;
    return run;
  };
}
