import { describe, expect, it } from 'vitest';
import { ttlCache } from './ttl-cache';

/** A load whose answers the test settles by hand, counting how often it ran. */
function controlledLoad<T>() {
  const runs: { resolve: (v: T) => void; reject: (e: Error) => void }[] = [];
  const load = () =>
    new Promise<T>((resolve, reject) => {
      runs.push({ resolve, reject });
    });
  return { load, runs };
}

/** Lets queued microtasks (a load starting, a result being stored) run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('ttlCache', () => {
  it('gives many concurrent callers one load and its value', async () => {
    const { load, runs } = controlledLoad<number>();
    const get = ttlCache(30_000, load, () => 0);
    const answers = Promise.all(Array.from({ length: 50 }, () => get()));
    await settle();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(42);
    expect(await answers).toEqual(Array(50).fill(42));
    expect(runs).toHaveLength(1);
  });

  it('answers from the last success until the ttl has passed since it settled, then loads again', async () => {
    let now = 1_000;
    let loads = 0;
    const get = ttlCache(
      30_000,
      async () => ++loads,
      () => now,
    );
    expect(await get()).toBe(1);
    now += 29_999;
    expect(await get()).toBe(1);
    now += 1;
    expect(await get()).toBe(2);
    now += 10_000;
    expect(await get()).toBe(2);
    expect(loads).toBe(2);
  });

  it('shares a load slower than the ttl instead of starting another beside it', async () => {
    let now = 0;
    const { load, runs } = controlledLoad<string>();
    const get = ttlCache(30_000, load, () => now);
    const first = get();
    await settle();
    now += 120_000;
    const second = get();
    await settle();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve('late');
    expect(await Promise.all([first, second])).toEqual(['late', 'late']);
    // The ttl counts from when it settled: still fresh now.
    expect(await get()).toBe('late');
    expect(runs).toHaveLength(1);
  });

  it('never serves an old success after a failed load, and retries on the next call', async () => {
    let now = 0;
    const { load, runs } = controlledLoad<string>();
    const get = ttlCache(30_000, load, () => now);
    const ok = get();
    await settle();
    runs[0]!.resolve('fine');
    expect(await ok).toBe('fine');

    now += 30_000;
    const failing = [get(), get(), get()];
    await settle();
    expect(runs).toHaveLength(2);
    runs[1]!.reject(new Error('analytics store unreachable'));
    for (const answer of failing) await expect(answer).rejects.toThrow('analytics store unreachable');

    // Same instant, no ttl passed: the failure was not kept, so this is a fresh load, not 'fine'.
    const retry = get();
    await settle();
    expect(runs).toHaveLength(3);
    runs[2]!.resolve('recovered');
    expect(await retry).toBe('recovered');
  });

  it('recovers from a load that throws before returning a promise', async () => {
    let calls = 0;
    const get = ttlCache(
      30_000,
      () => {
        if (++calls === 1) throw new Error('thrown at once');
        return Promise.resolve('second');
      },
      () => 0,
    );
    await expect(get()).rejects.toThrow('thrown at once');
    expect(await get()).toBe('second');
    expect(calls).toBe(2);
  });
});
