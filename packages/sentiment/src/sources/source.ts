import type { SentimentSourceKind } from '@tradehits/core';

/** One text as a source delivers it, before extraction and scoring. */
export interface RawItem {
  /** The source's own id (post id, guid, url): with the source id, the natural key. */
  itemId: string;
  kind: SentimentSourceKind;
  author: string | null;
  text: string;
  url: string | null;
  postedAt: number;
  /** Symbols the source itself names (a CoinMarketCap quote is about one coin); merged with extraction. */
  symbols?: string[];
  /** A score the source implies (a market-mood item from price change); replaces text scoring. */
  score?: number;
}

/** What one fetch brought back. */
export interface FetchResult {
  items: RawItem[];
  /** Items in the response that were malformed and left out. */
  skipped: number;
  /** Part-failures that did not stop the fetch (one feed of several down, a plan without an endpoint). */
  warnings: string[];
}

/** `ok`, or `off: <why>` when the source is not configured. */
export type SourceStatus = 'ok' | `off: ${string}`;

/** A place sentiment texts come from (news feeds, CoinMarketCap, X, Truth Social). */
export interface SentimentSource {
  readonly id: string;
  readonly kind: SentimentSourceKind;
  status(): SourceStatus;
  /** Items posted at or after `since` (UTC ms). Throws SourceError when the source fails as a whole. */
  fetch(since: number): Promise<FetchResult>;
}

/** A source failed: HTTP error, bad payload, timeout. */
export class SourceError extends Error {
  override name = 'SourceError';
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** Per-request timeout: a slow source must not hold up a collect run scheduled every few minutes. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** GET a URL and return its body as text, raising SourceError with the status and a body excerpt. */
export async function getText(url: URL, headers: Record<string, string> = {}): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    throw new SourceError(`GET ${url.origin}${url.pathname} failed: ${(err as Error).message}`);
  }
  const body = await response.text();
  if (!response.ok) {
    throw new SourceError(
      `GET ${url.origin}${url.pathname} → ${response.status}: ${body.slice(0, 200)}`,
      response.status,
    );
  }
  return body;
}

/** GET a URL and parse JSON; a body that is not JSON is a SourceError. */
export async function getJson(url: URL, headers: Record<string, string> = {}): Promise<unknown> {
  const body = await getText(url, { accept: 'application/json', ...headers });
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new SourceError(`GET ${url.origin}${url.pathname}: response is not JSON`);
  }
}

/** Joins a base URL (which may carry a path prefix) and an API path. */
export function apiUrl(
  base: string,
  path: string,
  query: Record<string, string | number | undefined> = {},
): URL {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

/** A millisecond instant from an ISO date or RFC 822 string; null when it does not parse. */
export function parseTime(value: unknown): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Plain text from an HTML fragment: tags dropped, block breaks kept as spaces, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
      if (code.startsWith('#x') || code.startsWith('#X'))
        return String.fromCodePoint(Number.parseInt(code.slice(2), 16));
      if (code.startsWith('#')) return String.fromCodePoint(Number.parseInt(code.slice(1), 10));
      return ENTITIES[code.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}
