import type { ReactNode } from 'react';

/** One column of a `DataTable`: its header, how a row fills it, and whether that cell heads the row. */
export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
  /** The class of the header and of every cell (e.g. `num` right-aligns both). */
  className?: string;
  /**
   * The cells' class when it differs from the header's: fixed (`actions` lays buttons out in a row,
   * which a header must not) or by row (a failure count in red). Defaults to `className`.
   */
  cellClassName?: string | ((row: T) => string);
  /** A `data-testid` on every cell of the column. */
  cellTestId?: string;
  rowHeader?: boolean;
  /** Keep the header for screen readers only (an actions column needs no visible heading). */
  hideLabel?: boolean;
}

type DataAttributes = { [attr: `data-${string}`]: string | number | undefined };

/** A plain, accessible table (scrolls sideways on a phone): the one place table markup is written. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowData,
  testId,
  className,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string | number;
  /** `data-*` attributes of each row, for tests and live updates that find a row by its id. */
  rowData?: (row: T) => DataAttributes;
  testId?: string;
  /** Classes added to the scrolling wrapper (e.g. `card` when the table stands alone). */
  className?: string;
}) {
  const cellClass = (c: Column<T>, row: T) =>
    typeof c.cellClassName === 'function' ? c.cellClassName(row) : (c.cellClassName ?? c.className);
  return (
    <div className={className ? `table-wrap ${className}` : 'table-wrap'}>
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" className={c.className}>
                {c.hideLabel ? <span className="sr-only">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowData?.(row)}>
              {columns.map((c) =>
                c.rowHeader ? (
                  <th key={c.label} scope="row" className={cellClass(c, row)} data-testid={c.cellTestId}>
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={c.label} className={cellClass(c, row)} data-testid={c.cellTestId}>
                    {c.cell(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
