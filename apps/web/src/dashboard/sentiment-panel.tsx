import { useQuery } from '@tanstack/react-query';
import type { SentimentAggregate, SentimentSourceKind, SentimentTrend } from '@tradehits/core/types';
import { useMemo } from 'react';
import { sentimentChartOption } from '../charts/sentiment';
import { EChart } from '../components/echart';
import { QueryView } from '../components/states';
import { formatShare, formatUtc, signClass } from '../lib/format';
import { useTRPC } from '../trpc';

const TREND_ARROW: Record<SentimentTrend, string> = { rising: '▲', falling: '▼', flat: '▬' };
const SOURCES: SentimentSourceKind[] = ['news', 'social', 'political', 'coinmarketcap'];
const SOURCE_LABEL: Record<SentimentSourceKind, string> = {
  news: 'News',
  social: 'Social',
  political: 'Political',
  coinmarketcap: 'CoinMarketCap',
};

const score = (n: number | null): string => (n === null ? '—' : n.toFixed(0));

function AggregateColumn({ title, agg }: { title: string; agg: SentimentAggregate | null }) {
  if (!agg) {
    return (
      <div className="sentiment-col">
        <h3>{title}</h3>
        <p className="muted small">No sentiment in this window.</p>
      </div>
    );
  }
  return (
    <div className="sentiment-col">
      <h3>{title}</h3>
      <p className={`sentiment-score ${signClass(agg.average)}`}>
        {score(agg.average)}
        <span className={`trend trend-${agg.trend}`} title={`Trend ${agg.trend}`}>
          {TREND_ARROW[agg.trend]} <span className="sr-only">{agg.trend}</span>
        </span>
      </p>
      <p className="small">
        <span className={`badge badge-${agg.signal}`}>{agg.signal}</span> confidence{' '}
        {formatShare(agg.confidence)}
      </p>
      <p className="muted small">
        {agg.bullish} bullish · {agg.bearish} bearish · {agg.total} items
      </p>
      <dl className="source-scores">
        {SOURCES.map((kind) => (
          <div key={kind}>
            <dt>{SOURCE_LABEL[kind]}</dt>
            <dd className={signClass(agg.bySource[kind])}>{score(agg.bySource[kind])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** The selected symbol's sentiment (last hour and day, by source) and recent political posts. */
export function SentimentPanel({ symbol }: { symbol: string }) {
  const trpc = useTRPC();
  const aggregated = useQuery(trpc.sentiment.aggregated.queryOptions({ symbol }));
  const posts = useQuery(trpc.sentiment.politicalPosts.queryOptions({ hours: 24 }));
  // The server's default window: the last 7 days, hour by hour.
  const timeline = useQuery(trpc.sentiment.timeline.queryOptions({ symbol }));
  const timelineOption = useMemo(() => sentimentChartOption(timeline.data ?? []), [timeline.data]);

  return (
    <section className="card" aria-labelledby="sentiment-title" data-testid="sentiment-panel">
      <header className="card-head">
        <h2 id="sentiment-title">
          Sentiment <span className="muted">{symbol}</span>
        </h2>
        <span className="muted small">−100 bearish … 100 bullish</span>
      </header>
      <QueryView query={aggregated}>
        {(a) => (
          <div className="sentiment-grid">
            <AggregateColumn title="Last hour" agg={a.h1} />
            <AggregateColumn title="Last 24 h" agg={a.h24} />
          </div>
        )}
      </QueryView>
      <h3 className="subhead">Last 7 days, hourly</h3>
      <QueryView query={timeline}>
        {(points) => (
          <EChart
            option={timelineOption}
            className="chart-sentiment"
            role="img"
            aria-label={`Hourly sentiment of ${symbol} over 7 days, ${points.length} hours`}
            data-testid="chart-sentiment"
            data-points={points.length}
          />
        )}
      </QueryView>
      <h3 className="subhead">Political posts, last 24 h</h3>
      <QueryView
        query={posts}
        isEmpty={(p) => p.length === 0}
        empty="No political posts in the last 24 hours."
      >
        {(list) => (
          <ul className="post-cards">
            {list.map((post) => (
              <li key={`${post.source}-${post.itemId}`} className={`post-card post-${post.category}`}>
                <div className="post-head">
                  <strong>{post.author ?? post.source}</strong>
                  <span className={`badge badge-impact-${post.impact}`}>{post.impact} impact</span>
                  <span className={`post-score ${signClass(post.score)}`}>{score(post.score)}</span>
                </div>
                <p className="post-text">{post.text}</p>
                <div className="post-foot small muted">
                  <time dateTime={new Date(post.postedAt).toISOString()}>{formatUtc(post.postedAt)}</time>
                  {post.triggeredTrades ? <span className="badge badge-warn">triggered trades</span> : null}
                  {post.url ? (
                    <a href={post.url} target="_blank" rel="noreferrer noopener">
                      source
                    </a>
                  ) : null}
                </div>
                {post.assetsAffected.length > 0 ? (
                  <ul className="chips" aria-label="Assets mentioned">
                    {post.assetsAffected.map((s) => (
                      <li key={s} className="chip">
                        {s}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </section>
  );
}
