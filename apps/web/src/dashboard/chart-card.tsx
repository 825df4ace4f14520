import { useQuery } from '@tanstack/react-query';
import type { Timeframe } from '@tradehits/core/types';
import { useMemo } from 'react';
import { candleChartOption, markerCounts } from '../charts/candles';
import { withFormingBars } from '../charts/forming';
import { EChart } from '../components/echart';
import { ErrorState, Loading } from '../components/states';
import { formatPrice } from '../lib/format';
import { barsFromAnswer } from '../lib/live';
import { barsLimit, type Range } from '../lib/search';
import { useTRPC } from '../trpc';

const TITLES: Record<Timeframe, string> = { '1d': 'Daily', '1h': 'Hourly', '5m': '5 minutes' };

/** One timeframe's candles with overlays, RSI and MACD for the selected symbol. */
export function ChartCard({
  symbol,
  timeframe,
  range,
}: {
  symbol: string;
  timeframe: Timeframe;
  range: Range;
}) {
  const trpc = useTRPC();
  const bars = useQuery({
    ...trpc.markets.bars.queryOptions({ symbol, timeframe, limit: barsLimit(range, timeframe) }),
    select: barsFromAnswer,
  });
  // The hourly and daily charts end with the forming bar, built from the 5-minute chart's series (same
  // query key, so no second download; live 5m bars extend it). Its `limit` covers days, more than a
  // daily period needs.
  const fiveMinute = useQuery({
    ...trpc.markets.bars.queryOptions({ symbol, timeframe: '5m', limit: barsLimit(range, '5m') }),
    select: barsFromAnswer,
    enabled: timeframe !== '5m',
  });
  // One markers query per symbol, shared by the three charts (same key), refreshed by live events.
  const markers = useQuery(trpc.signals.markers.queryOptions({ symbol }));
  const shown = useMemo(
    () => (bars.data ? withFormingBars(bars.data, fiveMinute.data ?? [], timeframe) : undefined),
    [bars.data, fiveMinute.data, timeframe],
  );
  const option = useMemo(
    () => candleChartOption(shown ?? [], { timeframe, markers: markers.data }),
    [shown, timeframe, markers.data],
  );
  const drawn = markerCounts(option);
  const last = shown?.at(-1);
  const forming = shown?.filter((b) => b.forming).length ?? 0;

  return (
    <section className="card chart-card" aria-labelledby={`chart-${timeframe}-title`}>
      <header className="card-head">
        <h3 id={`chart-${timeframe}-title`}>
          {TITLES[timeframe]} <span className="muted">{symbol}</span>
        </h3>
        {last ? (
          <span className="muted small" title={last.forming ? 'Latest price (forming bar)' : 'Last close'}>
            {formatPrice(last.close)}
          </span>
        ) : null}
      </header>
      {bars.isPending ? (
        <Loading label={`Loading ${TITLES[timeframe].toLowerCase()} bars…`} />
      ) : shown === undefined ? (
        <ErrorState error={bars.error} onRetry={() => void bars.refetch()} />
      ) : (
        <EChart
          option={option}
          className="chart-candles"
          role="img"
          aria-label={`${TITLES[timeframe]} candlestick chart of ${symbol}, ${shown.length - forming} bars${forming ? `, ${forming} built from 5-minute bars` : ''}`}
          zoomKey={`${symbol}|${range}`}
          data-testid={`chart-${timeframe}`}
          data-bars={shown.length - forming}
          data-forming={forming}
          data-detections={drawn.detections}
          data-entries={drawn.entries}
          data-exits={drawn.exits}
          data-levels={drawn.levels}
        />
      )}
    </section>
  );
}
