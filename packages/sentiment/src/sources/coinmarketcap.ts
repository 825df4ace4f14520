import { z } from 'zod';
import {
  apiUrl,
  type FetchResult,
  getJson,
  parseTime,
  type RawItem,
  type SentimentSource,
  SourceError,
  type SourceStatus,
} from './source';

/** The public production endpoint; tests and proxies override it with CMC_API_URL. */
export const CMC_DEFAULT_URL = 'https://pro-api.coinmarketcap.com';

const quote = z.object({
  name: z.string(),
  symbol: z.string(),
  quote: z.object({
    USD: z.object({
      price: z.number().nullable().optional(),
      percent_change_24h: z.number(),
      percent_change_7d: z.number(),
      last_updated: z.string(),
    }),
  }),
});
const quotesResponse = z.object({
  status: z.object({ error_code: z.number(), error_message: z.string().nullable().optional() }),
  data: z.record(z.string(), z.unknown()),
});
const contentItem = z.object({
  title: z.string().min(1),
  subtitle: z.string().nullable().optional(),
  source_name: z.string().nullable().optional(),
  source_url: z.string().nullable().optional(),
  released_at: z.string().nullable().optional(),
  created_at: z.string().nullable().optional(),
  assets: z
    .array(z.object({ symbol: z.string() }))
    .nullable()
    .optional(),
});
const contentResponse = z.object({ data: z.array(z.unknown()) });

/**
 * Market mood from price change: 100·tanh((Δ24h + Δ7d/2) / 10). A 5 % day in a flat week reads 46;
 * +5 % on the day and +10 % on the week reads 76. A mood, not a forecast: it says how holders feel.
 */
export function marketMood(change24h: number, change7d: number): number {
  return Math.round(100 * Math.tanh((change24h + change7d / 2) / 10));
}

/**
 * CoinMarketCap: `GET /v2/cryptocurrency/quotes/latest` for our coins becomes one market-mood item per
 * coin, and `GET /v1/content/latest` (news, on plans that include it) one item per article.
 * Authenticated with the `X-CMC_PRO_API_KEY` header.
 */
export function coinMarketCapSource(opts: {
  apiKey: string | undefined;
  baseUrl?: string | undefined;
  /** Our crypto symbols, `BTC/USD`…; the base (`BTC`) is what CoinMarketCap calls the symbol. */
  symbols: readonly string[];
}): SentimentSource {
  const base = opts.baseUrl ?? CMC_DEFAULT_URL;
  const bySymbol = new Map(opts.symbols.map((s) => [s.split('/')[0]!.toUpperCase(), s]));
  const headers = () => ({ 'X-CMC_PRO_API_KEY': opts.apiKey ?? '' });

  async function quotes(since: number): Promise<{ items: RawItem[]; skipped: number }> {
    const url = apiUrl(base, '/v2/cryptocurrency/quotes/latest', {
      symbol: [...bySymbol.keys()].join(','),
      convert: 'USD',
    });
    const parsed = quotesResponse.safeParse(await getJson(url, headers()));
    if (!parsed.success) throw new SourceError('coinmarketcap quotes: unexpected response shape');
    if (parsed.data.status.error_code !== 0) {
      throw new SourceError(
        `coinmarketcap quotes: ${parsed.data.status.error_message ?? parsed.data.status.error_code}`,
      );
    }
    const items: RawItem[] = [];
    let skipped = 0;
    for (const [key, value] of Object.entries(parsed.data.data)) {
      // v2 answers an array per symbol (several coins can share a ticker); the first is the ranked one.
      const record = quote.safeParse(Array.isArray(value) ? value[0] : value);
      const symbol = bySymbol.get(key.toUpperCase());
      const postedAt = record.success ? parseTime(record.data.quote.USD.last_updated) : null;
      if (!record.success || !symbol || postedAt === null) {
        skipped++;
        continue;
      }
      if (postedAt < since) continue;
      const { percent_change_24h: d24, percent_change_7d: d7 } = record.data.quote.USD;
      items.push({
        itemId: `quote:${key.toUpperCase()}:${postedAt}`,
        kind: 'coinmarketcap',
        author: 'coinmarketcap',
        text: `${record.data.name} (${record.data.symbol}) ${signed(d24)} % in 24 h, ${signed(d7)} % in 7 d`,
        url: null,
        postedAt,
        symbols: [symbol],
        score: marketMood(d24, d7),
      });
    }
    return { items, skipped };
  }

  async function content(since: number): Promise<{ items: RawItem[]; skipped: number }> {
    const url = apiUrl(base, '/v1/content/latest', {
      symbol: [...bySymbol.keys()].join(','),
      news_type: 'news',
      limit: 100,
    });
    const parsed = contentResponse.safeParse(await getJson(url, headers()));
    if (!parsed.success) throw new SourceError('coinmarketcap content: unexpected response shape');
    const items: RawItem[] = [];
    let skipped = 0;
    for (const raw of parsed.data.data) {
      const record = contentItem.safeParse(raw);
      const postedAt = record.success ? parseTime(record.data.released_at ?? record.data.created_at) : null;
      if (!record.success || postedAt === null) {
        skipped++;
        continue;
      }
      if (postedAt < since) continue;
      const named = (record.data.assets ?? []).flatMap((a) => bySymbol.get(a.symbol.toUpperCase()) ?? []);
      items.push({
        itemId: `content:${record.data.source_url ?? `${record.data.title}@${postedAt}`}`,
        kind: 'coinmarketcap',
        author: record.data.source_name ?? 'coinmarketcap',
        text: [record.data.title, record.data.subtitle].filter(Boolean).join('. '),
        url: record.data.source_url ?? null,
        postedAt,
        symbols: named,
      });
    }
    return { items, skipped };
  }

  return {
    id: 'coinmarketcap',
    kind: 'coinmarketcap',
    status: (): SourceStatus => (opts.apiKey ? 'ok' : 'off: CMC_API_KEY not set'),
    async fetch(since: number): Promise<FetchResult> {
      const q = await quotes(since);
      const warnings: string[] = [];
      let news = { items: [] as RawItem[], skipped: 0 };
      try {
        news = await content(since);
      } catch (err) {
        // Basic plans answer 403 for content: the quotes still count.
        if (!(err instanceof SourceError)) throw err;
        warnings.push(
          err.status === 401 || err.status === 403 ? 'content endpoint not in this plan' : err.message,
        );
      }
      return { items: [...q.items, ...news.items], skipped: q.skipped + news.skipped, warnings };
    },
  };
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
}
