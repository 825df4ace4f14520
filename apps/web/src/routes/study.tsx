import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { DataTable } from '../components/data-table';
import { FormError } from '../components/field';
import { QueryView } from '../components/states';
import { formErrorMessage } from '../lib/errors';
import { formatUtc } from '../lib/format';
import { returnText, shareText } from '../lib/research';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../trpc';

type StudyReport = RouterOutputs['research']['study'];
type StudyGroup = StudyReport['overall'];
type StudyInput = RouterInputs['research']['study'];

/** The signal study: what the price did after each lowest point, per symbol and timeframe. */
export function StudyPage() {
  const trpc = useTRPC();
  const symbols = useQuery(trpc.markets.symbols.queryOptions({ assetType: 'crypto' }));
  const [chosen, setChosen] = useState<string[]>([]);
  const [timeframes, setTimeframes] = useState<('5m' | '1h')[]>(['5m', '1h']);
  const [asked, setAsked] = useState<StudyInput | null>(null);
  const [problem, setProblem] = useState<string | undefined>();
  const study = useQuery({
    ...trpc.research.study.queryOptions(asked ?? { symbols: ['BTC/USD'] }),
    enabled: asked !== null,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen.length === 0) return setProblem('Choose at least one symbol.');
    if (timeframes.length === 0) return setProblem('Choose a timeframe.');
    setProblem(undefined);
    setAsked({ symbols: chosen, timeframes });
  };

  return (
    <div className="study">
      <header className="page-head">
        <h1>Signal study</h1>
      </header>
      <form className="card form" onSubmit={submit} noValidate data-testid="study-form">
        <fieldset className="symbol-picker">
          <legend>Symbols</legend>
          <QueryView query={symbols} isEmpty={(d) => d.length === 0} empty="No crypto symbols are tracked.">
            {(list) => (
              <div className="checks">
                {list.map((s) => (
                  <label key={s} className={chosen.includes(s) ? 'check check-on' : 'check'}>
                    <input
                      type="checkbox"
                      name="symbols"
                      value={s}
                      checked={chosen.includes(s)}
                      onChange={(e) =>
                        setChosen((c) => (e.target.checked ? [...c, s] : c.filter((x) => x !== s)))
                      }
                    />
                    {s}
                  </label>
                ))}
              </div>
            )}
          </QueryView>
        </fieldset>
        <fieldset className="checks">
          <legend>Timeframes</legend>
          {(['5m', '1h'] as const).map((tf) => (
            <label key={tf} className="check">
              <input
                type="checkbox"
                name="timeframes"
                value={tf}
                checked={timeframes.includes(tf)}
                onChange={(e) =>
                  setTimeframes((t) => (e.target.checked ? [...t, tf] : t.filter((x) => x !== tf)))
                }
              />
              {tf}
            </label>
          ))}
        </fieldset>
        <FormError message={problem ?? formErrorMessage(study.error)} />
        <button type="submit" className="btn btn-primary" disabled={asked !== null && study.isFetching}>
          {asked !== null && study.isFetching ? 'Studying…' : 'Run study'}
        </button>
      </form>
      {study.data ? <StudyResult report={study.data} /> : null}
    </div>
  );
}

function StudyResult({ report }: { report: StudyReport }) {
  const groups = [report.overall, ...report.byTimeframe, ...report.bySymbol.filter((g) => g.signals > 0)];
  return (
    <section className="card" aria-labelledby="study-title" data-testid="study-result">
      <h2 id="study-title">What followed each lowest point</h2>
      <p className="muted small">
        {report.symbols.join(', ')} · {formatUtc(report.from)} → {formatUtc(report.to)} ·{' '}
        {report.signals.length} signals. Accuracy is the share higher two hours after the signal close.
      </p>
      <DataTable
        rows={groups}
        rowKey={(g: StudyGroup) => `${g.symbol}:${g.timeframe}`}
        testId="study-groups"
        columns={[
          { label: 'Group', cell: (g) => `${g.symbol} ${g.timeframe}`, rowHeader: true },
          { label: 'Signals', cell: (g) => g.signals, className: 'num' },
          { label: 'Higher after 2 h', cell: (g) => shareText(g.accuracy), className: 'num' },
          { label: 'Mean 1 h', cell: (g) => returnText(g.meanReturn.h1), className: 'num' },
          { label: 'Mean 2 h', cell: (g) => returnText(g.meanReturn.h2), className: 'num' },
          { label: 'Mean 6 h', cell: (g) => returnText(g.meanReturn.h6), className: 'num' },
          { label: 'Mean 24 h', cell: (g) => returnText(g.meanReturn.h24), className: 'num' },
          { label: 'Best move 24 h', cell: (g) => returnText(g.meanMfe), className: 'num' },
          { label: 'Worst move 24 h', cell: (g) => returnText(g.meanMae), className: 'num' },
        ]}
      />
      <ul className="notes">
        {report.notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </section>
  );
}
