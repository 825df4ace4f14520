import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { AssetType } from '@tradehits/core/types';
import { QueryView } from '../components/states';
import { formatPrice, formatShare, formatUtc } from '../lib/format';
import { useTRPC } from '../trpc';

/** The detector's recent lows for an asset type: symbol, confidence and the evidence behind each. */
export function LowestPoints({ assetType }: { assetType: AssetType }) {
  const trpc = useTRPC();
  const points = useQuery(trpc.markets.lowestPoints.queryOptions({ assetType }));

  return (
    <section className="card" aria-labelledby="lowest-title" data-testid="lowest-points">
      <header className="card-head">
        <h2 id="lowest-title">Lowest points</h2>
      </header>
      <QueryView query={points} isEmpty={(d) => d.length === 0} empty="No lowest points detected yet.">
        {(detections) => (
          <ul className="detections">
            {detections.map((d) => (
              <li key={`${d.symbol}-${d.timeframe}-${d.barTime}`} className="detection">
                <div className="detection-head">
                  <Link
                    to="/"
                    search={(prev) => ({ ...prev, tab: assetType, symbol: d.symbol })}
                    className="symbol-link"
                  >
                    {d.symbol}
                  </Link>
                  <span className="badge">{d.timeframe}</span>
                  <meter
                    min={0}
                    max={1}
                    low={0.5}
                    high={0.7}
                    optimum={1}
                    value={d.confidence}
                    aria-label={`Confidence ${formatShare(d.confidence)}`}
                  />
                  <strong>{formatShare(d.confidence)}</strong>
                </div>
                <div className="detection-meta muted small">
                  {formatPrice(d.price)} · {formatUtc(d.barTime)}
                  {d.riseProbability !== null
                    ? ` · rose within 2 h in ${formatShare(d.riseProbability)} of past lows`
                    : ''}
                </div>
                <ul className="chips" aria-label="Reasons">
                  {d.reasons.map((r) => (
                    <li key={r} className="chip">
                      {r}
                    </li>
                  ))}
                </ul>
                {d.notes.length > 0 ? <p className="muted small">{d.notes.join('; ')}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </section>
  );
}
