import type { ReactNode } from 'react';

/** One column of a `DataTable`: its header, how a row fills it, and whether that cell heads the row. */
export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
  className?: string;
  /** A cell's class when it depends on the row (e.g. a failure count in red); defaults to `className`. */
  cellClassName?: (row: T) => string;
  rowHeader?: boolean;
}

/** A plain, accessible table (scrolls sideways on a phone): the one place table markup is written. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  testId,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string | number;
  testId?: string;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" className={c.className}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) =>
                c.rowHeader ? (
                  <th key={c.label} scope="row" className={c.cellClassName?.(row) ?? c.className}>
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={c.label} className={c.cellClassName?.(row) ?? c.className}>
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
