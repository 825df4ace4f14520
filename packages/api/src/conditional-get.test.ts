import type { TRPCRequestInfo } from '@trpc/server/http';
import { describe, expect, it } from 'vitest';
import { conditionalGet, ifNoneMatch } from './conditional-get';
import type { Context } from './trpc';

const ETAG = '"abc"';

function meta(opts: {
  path?: string;
  batch?: boolean;
  header?: string | null;
  errors?: number;
  etag?: unknown;
}) {
  let status: number | undefined;
  const notModified = () => {
    status = 304;
  };
  const calls = [{ path: opts.path ?? 'markets.bars' }, ...(opts.batch ? [{ path: 'me.profile' }] : [])];
  const result = conditionalGet({
    ctx: { req: { ifNoneMatch: opts.header ?? null, notModified } } as Context,
    info: { isBatchCall: !!opts.batch, calls } as unknown as TRPCRequestInfo,
    paths: calls.map((c) => c.path),
    type: 'query',
    errors: Array.from({ length: opts.errors ?? 0 }) as never[],
    data: [{ result: { data: { etag: 'etag' in opts ? opts.etag : ETAG, json: '{}' } } }] as never,
    eagerGeneration: false,
  });
  return { ...result, status };
}

describe('conditional GET', () => {
  it('tags a bars answer and answers 304 when the browser holds it', () => {
    expect(meta({})).toEqual({
      headers: { etag: ETAG, 'cache-control': 'private, no-cache' },
      status: undefined,
    });
    expect(meta({ header: ETAG }).status).toBe(304);
    expect(meta({ header: `W/"old", ${ETAG}` }).status).toBe(304);
    expect(meta({ header: '"old"' }).status).toBeUndefined();
  });

  it('leaves batches, errors, other procedures and answers without a tag alone', () => {
    expect(meta({ batch: true, header: ETAG })).toEqual({ status: undefined });
    expect(meta({ errors: 1, header: ETAG })).toEqual({ status: undefined });
    expect(meta({ path: 'trades.active', header: ETAG })).toEqual({ status: undefined });
    expect(meta({ etag: undefined, header: ETAG })).toEqual({ status: undefined });
  });

  it('compares tags weakly and accepts *', () => {
    expect(ifNoneMatch('W/"abc"', ETAG)).toBe(true);
    expect(ifNoneMatch('*', ETAG)).toBe(true);
    expect(ifNoneMatch('"abcd"', ETAG)).toBe(false);
    expect(ifNoneMatch(null, ETAG)).toBe(false);
  });
});
