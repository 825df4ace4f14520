import { appRouter } from '@tradehits/api';
import { describe, expect, it } from 'vitest';
import { isPlainJson } from './plain-json';

const serialize = (v: unknown) => appRouter._def._config.transformer.output.serialize(v);

describe('isPlainJson', () => {
  it('holds exactly where the API transformer answers { json: value } unchanged', () => {
    const plain: unknown[] = [
      null,
      true,
      'text',
      0,
      -1.5,
      [],
      {},
      [1, 'a', [null]],
      { ok: true, db: 'ok', nested: { list: [1, 2, { x: 'y' }] } },
      Object.assign(Object.create(null), { a: 1 }),
    ];
    for (const v of plain) {
      expect(isPlainJson(v)).toBe(true);
      expect(serialize(v)).toEqual({ json: v });
    }
    // The rest goes through superjson as before (a hole needs no meta, but is not worth a special case).
    const special: unknown[] = [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      10n,
      new Date(0),
      /re/,
      new Map([[1, 2]]),
      new Set([1]),
      [1, undefined],
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
      [1, , 3],
      { a: undefined },
      { at: new Date(0) },
      { deep: [{ n: 10n }] },
      new (class Point {
        x = 1;
      })(),
    ];
    for (const v of special) {
      expect(isPlainJson(v)).toBe(false);
    }
  });
});
