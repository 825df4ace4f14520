import { z } from 'zod';
import {
  apiUrl,
  getJson,
  htmlToText,
  parseTime,
  type RawItem,
  type SentimentSource,
  SourceError,
} from './source';
import { collectEach } from './x';

const account = z.object({ id: z.string(), acct: z.string() });
const status = z.object({
  id: z.string(),
  created_at: z.string(),
  content: z.string(),
  url: z.string().nullable().optional(),
  uri: z.string().nullable().optional(),
  reblog: z.unknown().nullable().optional(),
});

/**
 * Public posts on Truth Social through its Mastodon-compatible API:
 * `GET /api/v1/accounts/lookup?acct=…` once per account (cached), then
 * `GET /api/v1/accounts/:id/statuses`. Content is HTML and becomes plain text; reposts are left out.
 */
export function truthSocialSource(opts: {
  baseUrl: string | undefined;
  accounts: readonly string[];
}): SentimentSource {
  const ids = new Map<string, string>();

  async function accountId(base: string, acct: string): Promise<string> {
    const cached = ids.get(acct);
    if (cached) return cached;
    const parsed = account.safeParse(await getJson(apiUrl(base, '/api/v1/accounts/lookup', { acct })));
    if (!parsed.success) throw new SourceError(`truth-social: no account ${acct}`);
    ids.set(acct, parsed.data.id);
    return parsed.data.id;
  }

  async function posts(
    base: string,
    acct: string,
    since: number,
  ): Promise<{ items: RawItem[]; skipped: number }> {
    const id = await accountId(base, acct);
    const url = apiUrl(base, `/api/v1/accounts/${id}/statuses`, {
      exclude_replies: 'true',
      exclude_reblogs: 'true',
      limit: 40,
    });
    const body = await getJson(url);
    if (!Array.isArray(body)) throw new SourceError(`truth-social: statuses of ${acct} are not a list`);
    const items: RawItem[] = [];
    let skipped = 0;
    for (const raw of body) {
      const post = status.safeParse(raw);
      const postedAt = post.success ? parseTime(post.data.created_at) : null;
      const text = post.success ? htmlToText(post.data.content) : '';
      if (!post.success || postedAt === null) {
        skipped++;
        continue;
      }
      // A repost or a media-only post has no words of its own to score.
      if (post.data.reblog || text === '' || postedAt < since) continue;
      items.push({
        itemId: post.data.id,
        kind: 'political',
        author: acct,
        text,
        url: post.data.url ?? post.data.uri ?? null,
        postedAt,
      });
    }
    return { items, skipped };
  }

  return {
    id: 'truth-social',
    kind: 'political',
    status: () => {
      if (!opts.baseUrl) return 'off: TRUTH_SOCIAL_URL not set';
      if (opts.accounts.length === 0) return 'off: TRUTH_SOCIAL_ACCOUNTS is empty';
      return 'ok';
    },
    fetch: (since) => {
      const base = opts.baseUrl;
      if (!base) return Promise.reject(new SourceError('truth-social: TRUTH_SOCIAL_URL not set'));
      return collectEach(opts.accounts, (acct) => posts(base, acct, since));
    },
  };
}
