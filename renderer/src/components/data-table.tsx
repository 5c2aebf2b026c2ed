import type { Key, ReactNode } from 'react';

/** One column of a {@link DataTable}: its header and how a row fills its cell. */
export interface DataColumn<T> {
  readonly header: ReactNode;
  readonly cell: (row: T, index: number) => ReactNode;
  /** Class of the body cells (`num` right-aligns numbers, `mono` for raw values). */
  readonly className?: string;
  /** A tooltip for the cell (the full value when the cell shows it shortened). */
  readonly title?: (row: T) => string | undefined;
  /** Hides the body cells from screen readers (a decorative arrow between two values). */
  readonly ariaHidden?: boolean;
}

/**
 * The app's read-only table: a labelled `data-table` with column headers, one row per item,
 * scrolling sideways inside its own box when it is wider than the card.
 */
export function DataTable<T>(props: {
  /** The accessible name (tables are found by it, by people and by tests). */
  label: string;
  caption?: ReactNode;
  columns: readonly DataColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => Key;
  /** Extra classes for the table (`preview-table`, `problem-table`). */
  className?: string;
  /** Class of one row (a highlighted or muted row). */
  rowClassName?: (row: T) => string | undefined;
  /** Marks the chosen row (`aria-selected`) where the table is a list to pick from. */
  rowSelected?: (row: T) => boolean;
  /** Content that replaces a row's cells with one cell across the table (an inline edit form). */
  fullRow?: (row: T) => ReactNode | undefined;
}) {
  return (
    <div className="table-scroll">
      <table className={props.className ? `data-table ${props.className}` : 'data-table'} aria-label={props.label}>
        {props.caption !== undefined && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((c, i) => (
              <th key={i} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, r) => {
            const full = props.fullRow?.(row);
            return full !== undefined ? (
              <tr key={props.rowKey(row, r)}>
                <td colSpan={props.columns.length}>{full}</td>
              </tr>
            ) : (
              <tr key={props.rowKey(row, r)} aria-selected={props.rowSelected?.(row)} className={props.rowClassName?.(row)}>
                {props.columns.map((c, i) => (
                  <td key={i} className={c.className} title={c.title?.(row)} aria-hidden={c.ariaHidden ? true : undefined}>
                    {c.cell(row, r)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
