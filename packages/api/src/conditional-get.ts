import type { ResponseMeta, ResponseMetaFn } from '@trpc/server/http';
import type { AppRouter } from './root';

/** Queries answered with `{ etag, … }`: their answer is revalidated by the browser rather than refetched. */
const CONDITIONAL_PATHS: ReadonlySet<string> = new Set(['markets.bars']);

/**
 * `responseMeta` for the HTTP adapter: a single (unbatched) call of a conditional query gets its `ETag`
 * and `Cache-Control: private, no-cache` (the browser keeps it and asks again with `If-None-Match`), and
 * 304 with no body when the browser already holds that answer.
 */
export const conditionalGet: ResponseMetaFn<AppRouter> = ({
  ctx,
  info,
  type,
  errors,
  data,
}): ResponseMeta => {
  if (type !== 'query' || errors.length > 0 || info?.isBatchCall || info?.calls.length !== 1) return {};
  if (!CONDITIONAL_PATHS.has(info.calls[0]!.path)) return {};
  const result = data[0] as { result?: { data?: { etag?: unknown } } } | undefined;
  const etag = result?.result?.data?.etag;
  if (typeof etag !== 'string') return {};
  // A 304 cannot go through the adapter's Response (a body on a null-body status throws): the request
  // edge sets it on the raw response, which the adapter leaves as it is.
  if (ctx && ifNoneMatch(ctx.req.ifNoneMatch, etag)) ctx.req.notModified();
  return { headers: { etag, 'cache-control': 'private, no-cache' } };
};

/** Whether an `If-None-Match` header names `etag` (weak comparison, as the header asks for). */
export function ifNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
