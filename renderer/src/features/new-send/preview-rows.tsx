import { DataTable } from '../../components/data-table';

/**
 * The first rows of a file under named columns, one line per row: a cell too long for its
 * column is shortened with "…" and keeps its whole value in the tooltip, so nothing is lost.
 */
export function PreviewRows(props: { caption: string; columns: readonly string[]; rows: readonly (readonly string[])[] }) {
  return (
    <DataTable
      label={props.caption}
      caption={props.caption}
      className="preview-table"
      columns={props.columns.map((c, j) => ({ header: c, title: (r: readonly string[]) => r[j] || undefined, cell: (r: readonly string[]) => r[j] }))}
      rows={props.rows}
      rowKey={(_, i) => i}
    />
  );
}
