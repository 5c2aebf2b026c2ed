/**
 * A small captioned table of rows under named columns: the preview of rows as they will be
 * sent, wherever the operator checks them.
 */
export function RowsTable(props: { caption: string; columns: readonly string[]; rows: readonly (readonly string[])[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table preview-table" aria-label={props.caption}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => (
                <td key={j}>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
