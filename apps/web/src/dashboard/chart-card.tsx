import { useQuery } from '@tanstack/react-query';
import { barRows, parseBarColumns } from '@tradehits/core/bar-columns';
import type { Timeframe } from '@tradehits/core/types';
import { useMemo } from 'react';
import { candleChartOption } from '../charts/candles';
import { EChart } from '../components/echart';
import { ErrorState, Loading } from '../components/states';
import { formatPrice } from '../lib/format';
import { barsLimit, type Range } from '../lib/search';
import { useTRPC } from '../trpc';

/** The bars of a `markets.bars` answer (columns as JSON text); kept between renders by the query. */
const barsFromAnswer = (answer: { json: string }) => barRows(parseBarColumns(answer.json));

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
  const option = useMemo(() => candleChartOption(bars.data ?? [], { timeframe }), [bars.data, timeframe]);
  const last = bars.data?.at(-1);

  return (
    <section className="card chart-card" aria-labelledby={`chart-${timeframe}-title`}>
      <header className="card-head">
        <h3 id={`chart-${timeframe}-title`}>
          {TITLES[timeframe]} <span className="muted">{symbol}</span>
        </h3>
        {last ? (
          <span className="muted small" title="Last close">
            {formatPrice(last.close)}
          </span>
        ) : null}
      </header>
      {bars.isPending ? (
        <Loading label={`Loading ${TITLES[timeframe].toLowerCase()} bars…`} />
      ) : bars.data === undefined ? (
        <ErrorState error={bars.error} onRetry={() => void bars.refetch()} />
      ) : (
        <EChart
          option={option}
          className="chart-candles"
          role="img"
          aria-label={`${TITLES[timeframe]} candlestick chart of ${symbol}, ${bars.data.length} bars`}
          zoomKey={`${symbol}|${range}`}
          data-testid={`chart-${timeframe}`}
          data-bars={bars.data.length}
        />
      )}
    </section>
  );
}
