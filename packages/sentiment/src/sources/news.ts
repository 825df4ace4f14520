import { XMLParser } from 'fast-xml-parser';
import {
  type FetchResult,
  getText,
  htmlToText,
  parseTime,
  type RawItem,
  type SentimentSource,
  SourceError,
} from './source';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  // One item or many, always an array.
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link',
});

type Node = Record<string, unknown>;

/** Text of an XML node that may be a string, a number, or `{ '#text': … }` with attributes. */
function text(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  if (node && typeof node === 'object' && '#text' in node) return text((node as Node)['#text']);
  return null;
}

/** Atom `link` elements: the alternate (or first) href. RSS: the element text. */
function link(node: unknown): string | null {
  const links = Array.isArray(node) ? node : node === undefined ? [] : [node];
  const pick =
    links.find((l) => typeof l === 'object' && l && (l as Node)['@rel'] === 'alternate') ?? links[0];
  if (pick && typeof pick === 'object' && '@href' in pick) return String((pick as Node)['@href']);
  return text(pick);
}

/** Parses an RSS 2.0 or Atom document into raw items; items without a title or a date are counted as skipped. */
export function parseFeed(xml: string, feedUrl: string): { items: RawItem[]; skipped: number } {
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (err) {
    throw new SourceError(`feed ${feedUrl}: not valid XML (${(err as Error).message})`);
  }
  const rss = (doc.rss as Node | undefined)?.channel as Node | undefined;
  const atom = doc.feed as Node | undefined;
  const entries = (rss?.item ?? atom?.entry) as Node[] | undefined;
  if (!entries) throw new SourceError(`feed ${feedUrl}: neither RSS nor Atom`);
  const items: RawItem[] = [];
  let skipped = 0;
  for (const entry of entries) {
    const title = text(entry.title);
    const postedAt = parseTime(text(entry.pubDate ?? entry.published ?? entry.updated ?? entry['dc:date']));
    const url = link(entry.link);
    const id = text(entry.guid) ?? text(entry.id) ?? url;
    if (!title || postedAt === null || !id) {
      skipped++;
      continue;
    }
    const summary = text(entry.description ?? entry.summary ?? entry.content);
    const body = summary ? htmlToText(summary) : '';
    const heading = htmlToText(title);
    items.push({
      itemId: id,
      kind: 'news',
      author: feedUrl,
      text: body && !body.startsWith(heading) ? `${heading}. ${body}` : body || heading,
      url,
      postedAt,
    });
  }
  return { items, skipped };
}

/** News from RSS/Atom feeds (NEWS_FEEDS). A feed that fails is a warning; all failing is an error. */
export function newsSource(opts: { feeds: readonly string[] }): SentimentSource {
  return {
    id: 'news',
    kind: 'news',
    status: () => (opts.feeds.length > 0 ? 'ok' : 'off: NEWS_FEEDS not set'),
    async fetch(since: number): Promise<FetchResult> {
      const results = await Promise.allSettled(
        opts.feeds.map(async (feed) =>
          parseFeed(
            await getText(new URL(feed), {
              accept: 'application/rss+xml, application/atom+xml, application/xml',
            }),
            feed,
          ),
        ),
      );
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
      if (failures.length === results.length && failures.length > 0)
        throw new SourceError(failures.join('; '));
      const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      return {
        items: ok.flatMap((r) => r.items).filter((i) => i.postedAt >= since),
        skipped: ok.reduce((n, r) => n + r.skipped, 0),
        warnings: failures,
      };
    },
  };
}
