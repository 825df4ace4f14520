import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One local HTTP server standing in for CoinMarketCap, the X API v2, Truth Social (Mastodon API) and
 * news feeds, for tests. It answers in each service's real response shape, checks the credentials
 * the real services require (X-CMC_PRO_API_KEY, Bearer token), and records every request so a test
 * can assert what the client sent.
 */

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

/** A post as the fake serves it: X posts and Truth Social statuses are built from these. */
export interface FakePost {
  id: string;
  text: string;
  createdAt: string;
}

export interface FakeSentimentOptions {
  cmcKey?: string;
  xToken?: string;
  /** CMC quotes by base symbol: percent changes and last update. */
  quotes?: Record<string, { name: string; change24h: number; change7d: number; lastUpdated: string }>;
  /** CMC content items (`/v1/content/latest`); when undefined the endpoint answers 403 like a basic plan. */
  content?: unknown[];
  /** X posts by username (user ids are `100` + index). */
  xPosts?: Record<string, FakePost[]>;
  /** Posts X's recent search finds when the query names one of their cashtags, newest first. */
  xSearchPosts?: (FakePost & { username: string })[];
  /** Posts per search page (X serves up to `max_results`); small values exercise `next_token`. */
  xSearchPageSize?: number;
  /** Truth Social statuses by account, `content` as HTML; raw entries are served as given. */
  truthPosts?: Record<string, unknown[]>;
  /** Feed documents by path (e.g. `/feeds/markets.xml`). */
  feeds?: Record<string, string>;
}

export interface FakeSentimentApis {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 on a free port. */
export async function startFakeSentimentApis(opts: FakeSentimentOptions): Promise<FakeSentimentApis> {
  const requests: FakeRequest[] = [];
  const xUsers = Object.keys(opts.xPosts ?? {});
  const truthAccounts = Object.keys(opts.truthPosts ?? {});

  /** X's recent search: validates the parameters as X does, pages with `next_token`. */
  function searchRecent(params: URLSearchParams): [number, unknown] {
    const query = params.get('query') ?? '';
    const max = Number(params.get('max_results') ?? 10);
    const start = params.get('start_time');
    if (
      !query ||
      query.length > 512 ||
      !(max >= 10 && max <= 100) ||
      (start && Number.isNaN(Date.parse(start)))
    ) {
      return [
        400,
        {
          errors: [{ parameters: { query: [query] }, message: 'Invalid query or parameters' }],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        },
      ];
    }
    const tags = (query.match(/\$[A-Za-z]+/g) ?? []).map((t) => t.toLowerCase());
    const found = (opts.xSearchPosts ?? []).filter(
      (p) =>
        (!start || p.createdAt >= start) &&
        tags.some((t) => p.text.toLowerCase().includes(t)) &&
        !query.includes(`-from:${p.username}`),
    );
    const offset = Number(params.get('next_token') ?? 0);
    const page = found.slice(offset, offset + Math.min(max, opts.xSearchPageSize ?? max));
    if (page.length === 0) return [200, { meta: { result_count: 0 } }];
    const next = offset + page.length < found.length ? String(offset + page.length) : undefined;
    const users = [...new Set(page.map((p) => p.username))].map((u) => ({
      id: `u-${u}`,
      name: u,
      username: u,
    }));
    return [
      200,
      {
        data: page.map((p) => ({
          id: p.id,
          text: p.text,
          created_at: p.createdAt,
          author_id: `u-${p.username}`,
          edit_history_tweet_ids: [p.id],
        })),
        includes: { users },
        meta: {
          result_count: page.length,
          newest_id: page[0]!.id,
          oldest_id: page.at(-1)!.id,
          ...(next ? { next_token: next } : {}),
        },
      },
    ];
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
    };
    requests.push(request);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = url.pathname;

    if (path.startsWith('/v1/') || path.startsWith('/v2/')) {
      if (req.headers['x-cmc_pro_api_key'] !== opts.cmcKey) {
        return json(401, { status: { error_code: 1002, error_message: 'API key missing.' } });
      }
      if (path === '/v2/cryptocurrency/quotes/latest') {
        const wanted = (url.searchParams.get('symbol') ?? '').split(',').filter(Boolean);
        const data = Object.fromEntries(
          wanted.flatMap((symbol) => {
            const q = opts.quotes?.[symbol];
            if (!q) return [];
            return [
              [
                symbol,
                [
                  {
                    id: 1,
                    name: q.name,
                    symbol,
                    slug: q.name.toLowerCase(),
                    cmc_rank: 1,
                    last_updated: q.lastUpdated,
                    quote: {
                      USD: {
                        price: 100,
                        volume_24h: 1e9,
                        percent_change_1h: 0.1,
                        percent_change_24h: q.change24h,
                        percent_change_7d: q.change7d,
                        market_cap: 1e11,
                        last_updated: q.lastUpdated,
                      },
                    },
                  },
                ],
              ],
            ];
          }),
        );
        return json(200, {
          status: {
            timestamp: new Date().toISOString(),
            error_code: 0,
            error_message: null,
            credit_count: 1,
          },
          data,
        });
      }
      if (path === '/v1/content/latest') {
        if (!opts.content) {
          return json(403, {
            status: {
              error_code: 1006,
              error_message: "Your API Key subscription plan doesn't support this endpoint.",
            },
          });
        }
        return json(200, { status: { error_code: 0, error_message: null }, data: opts.content });
      }
    }

    if (path.startsWith('/2/')) {
      if (req.headers.authorization !== `Bearer ${opts.xToken}`) {
        return json(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      }
      if (path === '/2/tweets/search/recent') return json(...searchRecent(url.searchParams));
      const byName = path.match(/^\/2\/users\/by\/username\/([^/]+)$/);
      if (byName) {
        const username = decodeURIComponent(byName[1]!);
        const index = xUsers.indexOf(username);
        if (index < 0) {
          return json(200, {
            errors: [
              { detail: `Could not find user with username: [${username}].`, title: 'Not Found Error' },
            ],
          });
        }
        return json(200, { data: { id: `100${index}`, name: username, username } });
      }
      const timeline = path.match(/^\/2\/users\/100(\d+)\/tweets$/);
      if (timeline) {
        const posts = opts.xPosts?.[xUsers[Number(timeline[1])]!] ?? [];
        const start = url.searchParams.get('start_time');
        const shown = posts.filter((p) => !start || p.createdAt >= start);
        if (shown.length === 0) return json(200, { meta: { result_count: 0 } });
        return json(200, {
          data: shown.map((p) => ({
            id: p.id,
            text: p.text,
            created_at: p.createdAt,
            edit_history_tweet_ids: [p.id],
          })),
          meta: { result_count: shown.length, newest_id: shown[0]!.id, oldest_id: shown.at(-1)!.id },
        });
      }
    }

    if (path === '/api/v1/accounts/lookup') {
      const acct = url.searchParams.get('acct') ?? '';
      const index = truthAccounts.indexOf(acct);
      if (index < 0) return json(404, { error: 'Record not found' });
      return json(200, {
        id: `1077${index}`,
        username: acct,
        acct,
        display_name: acct,
        url: `https://truthsocial.com/@${acct}`,
      });
    }
    const statuses = path.match(/^\/api\/v1\/accounts\/1077(\d+)\/statuses$/);
    if (statuses) return json(200, opts.truthPosts?.[truthAccounts[Number(statuses[1])]!] ?? []);

    const feed = opts.feeds?.[path];
    if (feed !== undefined) {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      return res.end(feed);
    }
    json(404, { error: `no route ${path}` });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A Truth Social (Mastodon) status in its real shape. */
export function truthStatus(
  id: string,
  createdAt: string,
  html: string,
  acct = 'realDonaldTrump',
): Record<string, unknown> {
  return {
    id,
    created_at: createdAt,
    in_reply_to_id: null,
    sensitive: false,
    visibility: 'public',
    language: 'en',
    uri: `https://truthsocial.com/users/${acct}/statuses/${id}`,
    url: `https://truthsocial.com/@${acct}/${id}`,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    content: html,
    account: { id: '107780257626128497', username: acct, acct },
    media_attachments: [],
    reblog: null,
  };
}
