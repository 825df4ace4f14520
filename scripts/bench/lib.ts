/**
 * What every benchmark shares: the row it reports, interleaved timing of a subject beside its baseline,
 * and the median with its spread. Benchmarks are not tests: they never fail on a slow machine, they report.
 */

/** One printed row. `ratio` compares it to `baseline` (another row's name) measured in the same run. */
export interface BenchRow {
  name: string;
  /** The median. */
  value: number;
  unit: string;
  /** Lowest and highest of the runs the median came from, in `unit`. */
  spread?: [number, number];
  /** Subject ÷ baseline, oriented so that above 1 means the subject does more per second (or is larger). */
  ratio?: number;
  /** What the ratio is taken against. */
  baseline?: string;
}

/** What `npm run bench` passes every suite from its command line. */
export interface BenchOptions {
  /** Where a suite that starts servers has them write `node --cpu-prof` profiles. */
  cpuProfDir?: string;
}

/** A suite: a name for `--only` and the table, and the function that measures it. */
export interface BenchSuite {
  name: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}

/** Milliseconds of each run of one case, in run order. */
export type Samples = number[];

/**
 * Times several cases in alternating rounds (A B C, then C B A, …) after `warmUp` untimed rounds, so a
 * machine that slows down or speeds up mid-run (other processes, thermal limits, GC of an earlier case)
 * weighs on every case alike instead of on whichever ran last. Returns each case's run times in ms.
 */
export async function interleave<K extends string>(
  cases: Record<K, () => unknown>,
  opts: { runs: number; warmUp: number },
): Promise<Record<K, Samples>> {
  const names = Object.keys(cases) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, Samples>;
  for (let round = 0; round < opts.warmUp + opts.runs; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const started = performance.now();
      await cases[name]();
      const ms = performance.now() - started;
      if (round >= opts.warmUp) samples[name].push(ms);
    }
  }
  return samples;
}

/** The middle value (the lower middle of an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** A rate row (`count` items per run) from run times in ms: median rate with the rates' min and max. */
export function rateRow(name: string, count: number, ms: Samples, unit: string): BenchRow {
  const rates = ms.map((t) => count / (t / 1000));
  return { name, value: Math.round(median(rates)), unit, spread: minMax(rates, 0) };
}

/** A time row from run times in ms. */
export function timeRow(name: string, ms: Samples, digits = 2): BenchRow {
  return { name, value: round(median(ms), digits), unit: 'ms', spread: minMax(ms, digits) };
}

/** Lowest and highest, rounded. */
export function minMax(values: readonly number[], digits = 2): [number, number] {
  return [round(Math.min(...values), digits), round(Math.max(...values), digits)];
}

export function round(x: number, digits = 2): number {
  return Number(x.toFixed(digits));
}

/** Prints rows as an aligned table, each with its spread and its ratio to the baseline it names. */
export function printTable(rows: (BenchRow & { suite: string })[], out: (line: string) => void): void {
  const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 3 });
  const cells = [
    ['suite', 'measure', 'median', 'min–max', 'unit', 'ratio', 'baseline'],
    ...rows.map((r) => [
      r.suite,
      r.name,
      Number.isNaN(r.value) ? '' : fmt(r.value),
      r.spread ? `${fmt(r.spread[0])}–${fmt(r.spread[1])}` : '',
      r.unit,
      r.ratio === undefined ? '' : r.ratio.toFixed(3),
      r.baseline ?? '',
    ]),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  for (const c of cells)
    out(
      c
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}
