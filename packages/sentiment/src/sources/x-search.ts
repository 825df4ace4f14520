import { z } from 'zod';
import { apiUrl, getJson, parseTime, type RawItem, type SentimentSource, SourceError } from './source';
import { collectEach, X_DEFAULT_URL } from './x';

/** X's recent search takes queries of at most 512 characters on its Basic access level. */
export const X_QUERY_MAX_LENGTH = 512;
/** Pages of 100 posts read per query and run: a 5-minute schedule rarely needs more. */
const MAX_PAGES = 3;

const searchResponse = z.object({
  data: z.array(z.unknown()).optional(),
  includes: z
    .object({ users: z.array(z.object({ id: z.string(), username: z.string() })).optional() })
    .optional(),
  meta: z.object({ result_count: z.number(), next_token: z.string().optional() }).passthrough(),
});
const post = z.object({ id: z.string(), text: z.string(), created_at: z.string(), author_id: z.string() });

/**
 * Search queries for posts that name our assets by cashtag ("$BTC OR $AAPL …"), in English, without
 * reposts and without the accounts already read as political figures. Split so each fits X's limit.
 */
export function cashtagQueries(
  symbols: readonly string[],
  excludeAccounts: readonly string[] = [],
  maxLength = X_QUERY_MAX_LENGTH,
): string[] {
  const tags = [...new Set(symbols.map((s) => `$${s.split('/')[0]!.toUpperCase()}`))];
  const suffix = [' lang:en -is:retweet', ...excludeAccounts.map((a) => ` -from:${a}`)].join('');
  const queries: string[] = [];
  let chunk: string[] = [];
  const render = (t: string[]) => `(${t.join(' OR ')})${suffix}`;
  for (const tag of tags) {
    if (chunk.length > 0 && render([...chunk, tag]).length > maxLength) {
      queries.push(render(chunk));
      chunk = [];
    }
    chunk.push(tag);
  }
  if (chunk.length > 0) queries.push(render(chunk));
  const tooLong = queries.find((q) => q.length > maxLength);
  if (tooLong) throw new Error(`X search query over ${maxLength} characters: ${tooLong.slice(0, 80)}…`);
  return queries;
}

/**
 * Social posts about our assets through the X API v2 recent search: `GET /2/tweets/search/recent`
 * per query with `start_time`, the authors expanded, following `next_token` for a few pages.
 */
export function xSearchSource(opts: {
  bearerToken: string | undefined;
  baseUrl?: string | undefined;
  queries: readonly string[];
}): SentimentSource {
  const base = opts.baseUrl ?? X_DEFAULT_URL;
  const headers = () => ({ authorization: `Bearer ${opts.bearerToken ?? ''}` });

  async function search(query: string, since: number): Promise<{ items: RawItem[]; skipped: number }> {
    const items: RawItem[] = [];
    let skipped = 0;
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = apiUrl(base, '/2/tweets/search/recent', {
        query,
        start_time: new Date(since).toISOString(),
        max_results: 100,
        'tweet.fields': 'created_at,author_id',
        expansions: 'author_id',
        'user.fields': 'username',
        next_token: nextToken,
      });
      const parsed = searchResponse.safeParse(await getJson(url, headers()));
      if (!parsed.success) throw new SourceError('x-search: unexpected search response shape');
      const usernames = new Map((parsed.data.includes?.users ?? []).map((u) => [u.id, u.username]));
      for (const raw of parsed.data.data ?? []) {
        const found = post.safeParse(raw);
        const postedAt = found.success ? parseTime(found.data.created_at) : null;
        if (!found.success || postedAt === null) {
          skipped++;
          continue;
        }
        const author = usernames.get(found.data.author_id) ?? null;
        items.push({
          itemId: found.data.id,
          kind: 'social',
          author,
          text: found.data.text,
          url: `https://x.com/${author ?? 'i'}/status/${found.data.id}`,
          postedAt,
        });
      }
      nextToken = parsed.data.meta.next_token;
      if (!nextToken) break;
    }
    return { items, skipped };
  }

  return {
    id: 'x-search',
    kind: 'social',
    status: () => {
      if (!opts.bearerToken) return 'off: X_BEARER_TOKEN not set';
      if (opts.queries.length === 0) return 'off: no symbols to search for';
      return 'ok';
    },
    fetch: async (since) => {
      const result = await collectEach(opts.queries, (query) => search(query, since));
      // Overlapping queries can find one post twice; it is one item.
      return { ...result, items: [...new Map(result.items.map((i) => [i.itemId, i])).values()] };
    },
  };
}
