import { useQuery } from '@tanstack/react-query';
import { formatUtc } from '../lib/format';
import { useTRPC } from '../trpc';

/** US-stock session: open or closed, the next open or close, and an early close when there is one. */
export function MarketStatus() {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.markets.marketStatus.queryOptions(), refetchInterval: 60_000 });

  if (status.isPending) {
    return (
      <output className="market-status" data-testid="market-status">
        Market status…
      </output>
    );
  }
  if (!status.data) {
    return (
      <output className="market-status market-unknown" data-testid="market-status">
        Market status unavailable
      </output>
    );
  }
  const s = status.data;
  return (
    <output
      className={`market-status ${s.isOpen ? 'market-open' : 'market-closed'}`}
      data-testid="market-status"
      data-open={s.isOpen}
    >
      <span className="dot" aria-hidden="true" />
      <strong>NYSE {s.isOpen ? 'open' : 'closed'}</strong>
      {s.isOpen ? <span>closes {formatUtc(s.nextClose)}</span> : <span>opens {formatUtc(s.nextOpen)}</span>}
      {s.earlyClose ? <span className="badge badge-warn">early close</span> : null}
      {s.reason ? <span className="muted">{s.reason}</span> : null}
    </output>
  );
}
