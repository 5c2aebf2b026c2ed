import { DataTable } from './data-table';

/**
 * A small captioned table of rows under named columns: the preview of rows as they will be
 * sent, wherever the operator checks them.
 */
export function RowsTable(props: { caption: string; columns: readonly string[]; rows: readonly (readonly string[])[] }) {
  return (
    <DataTable
      label={props.caption}
      caption={props.caption}
      className="preview-table"
      columns={props.columns.map((c, j) => ({ header: c, cell: (r: readonly string[]) => r[j] }))}
      rows={props.rows}
      rowKey={(_, i) => i}
    />
  );
}
