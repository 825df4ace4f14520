import type { SentimentSourceKind } from '@tradehits/core';
import { z } from 'zod';
import {
  apiUrl,
  type FetchResult,
  getJson,
  parseTime,
  type RawItem,
  type SentimentSource,
  SourceError,
} from './source';

/** The public production endpoint; tests override it with X_API_URL. */
export const X_DEFAULT_URL = 'https://api.x.com';

const userResponse = z.object({ data: z.object({ id: z.string(), username: z.string() }) });
const tweet = z.object({ id: z.string(), text: z.string(), created_at: z.string() });
const tweetsResponse = z.object({
  data: z.array(z.unknown()).optional(),
  meta: z.object({ result_count: z.number() }).passthrough().optional(),
});

/**
 * Recent posts of configured accounts through the X API v2: `GET /2/users/by/username/:username` once
 * per account (cached), then `GET /2/users/:id/tweets` with `start_time`, Bearer auth. The configured
 * accounts are political figures, so the items are political by default.
 */
export function xSource(opts: {
  bearerToken: string | undefined;
  baseUrl?: string | undefined;
  accounts: readonly string[];
  kind?: SentimentSourceKind;
}): SentimentSource {
  const base = opts.baseUrl ?? X_DEFAULT_URL;
  const kind = opts.kind ?? 'political';
  const ids = new Map<string, string>();
  const headers = () => ({ authorization: `Bearer ${opts.bearerToken ?? ''}` });

  async function userId(username: string): Promise<string> {
    const cached = ids.get(username);
    if (cached) return cached;
    const parsed = userResponse.safeParse(
      await getJson(apiUrl(base, `/2/users/by/username/${encodeURIComponent(username)}`), headers()),
    );
    if (!parsed.success) throw new SourceError(`x: no user ${username}`);
    ids.set(username, parsed.data.data.id);
    return parsed.data.data.id;
  }

  async function posts(username: string, since: number): Promise<{ items: RawItem[]; skipped: number }> {
    const id = await userId(username);
    const url = apiUrl(base, `/2/users/${id}/tweets`, {
      max_results: 100,
      start_time: new Date(since).toISOString(),
      'tweet.fields': 'created_at',
      exclude: 'retweets,replies',
    });
    const parsed = tweetsResponse.safeParse(await getJson(url, headers()));
    if (!parsed.success) throw new SourceError(`x: unexpected timeline shape for ${username}`);
    const items: RawItem[] = [];
    let skipped = 0;
    for (const raw of parsed.data.data ?? []) {
      const post = tweet.safeParse(raw);
      const postedAt = post.success ? parseTime(post.data.created_at) : null;
      if (!post.success || postedAt === null) {
        skipped++;
        continue;
      }
      if (postedAt < since) continue;
      items.push({
        itemId: post.data.id,
        kind,
        author: username,
        text: post.data.text,
        url: `https://x.com/${username}/status/${post.data.id}`,
        postedAt,
      });
    }
    return { items, skipped };
  }

  return {
    id: 'x',
    kind,
    status: () => {
      if (!opts.bearerToken) return 'off: X_BEARER_TOKEN not set';
      if (opts.accounts.length === 0) return 'off: X_ACCOUNTS is empty';
      return 'ok';
    },
    fetch: (since) => collectEach(opts.accounts, (account) => posts(account, since)),
  };
}

/** Runs one fetch per account (or query); one failing is a warning, all failing an error. */
export async function collectEach(
  accounts: readonly string[],
  fetchOne: (account: string) => Promise<{ items: RawItem[]; skipped: number }>,
): Promise<FetchResult> {
  const results = await Promise.allSettled(accounts.map(fetchOne));
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${accounts[i]}: ${(r.reason as Error).message}`] : [],
  );
  if (failures.length === results.length && failures.length > 0) throw new SourceError(failures.join('; '));
  const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  return {
    items: ok.flatMap((r) => r.items),
    skipped: ok.reduce((n, r) => n + r.skipped, 0),
    warnings: failures,
  };
}
