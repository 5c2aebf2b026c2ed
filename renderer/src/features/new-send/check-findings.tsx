import type { ValidationReport } from '../../../../shared/contract/recipients';
import { plural } from '../../components/format';
import { setExcluded, type NewSendState } from './draft-model';
import type { StepProps } from './new-send-screen';
import { DataTable } from '../../components/data-table';

/** How many lines a finding names inline before "and N more". */
const LINES_SHOWN = 12;
/** Rows of the value tables before "and N more". */
const ROWS_SHOWN = 50;

/** A value as text on one line: line breaks as ↵, long values shortened (the whole in the tooltip). */
export function visibleValue(v: string, max = 120): string {
  const oneLine = v.replace(/\r\n|\r|\n/g, '↵');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

function lineList(lines: readonly number[], total: number): string {
  const unique = [...new Set(lines)];
  const shown = unique.slice(0, LINES_SHOWN).join(', ');
  return total > LINES_SHOWN && unique.length > LINES_SHOWN ? `${shown} and more` : shown;
}

/** Plain words for the automatic changes. */
const FIX_TEXT: Record<string, string> = {
  TRIMMED: 'Spaces around the value removed',
  DATE_NORMALISED: 'Date written as YYYY-MM-DD',
  LINE_BREAK_REPLACED: 'Line break replaced by a space',
};

/**
 * Rows whose broadmail_ID names another source mailing: the send is refused as a whole, so say
 * which rows, why, and offer the two ways out (fill it with the chosen mailing, or leave them out).
 */
export function SourceMailingMismatchCallout(props: { report: ValidationReport; draft: NewSendState; update: StepProps['update'] }) {
  const m = props.report.sourceMailingMismatch;
  if (!m) return null;
  const { draft, update } = props;
  const field = props.report.fields.find((f) => f.toLowerCase().replace(/[^a-z]/g, '') === 'broadmailid') ?? 'broadmail_ID';
  const useChosen = () =>
    update({
      mapping: draft.mapping.map((x) => (x.field === field ? { field, source: { kind: 'sourceMailing' as const } } : x)),
      chosen: [...new Set([...draft.chosen, field])],
      reportStale: true,
    });
  const leaveOut = () => {
    let edits = draft.edits;
    for (const l of m.lines) edits = setExcluded(edits, l.line, true);
    update({ edits, reportStale: true });
  };
  return (
    <div className="callout callout-error" role="alert" aria-labelledby="mismatch-title">
      <h3 id="mismatch-title">
        {plural(m.count, 'row')} {m.count === 1 ? 'names' : 'name'} another source mailing
      </h3>
      <p>
        This send is for source mailing <strong className="mono">{m.chosen}</strong>, but the {field} column names{' '}
        <span className="mono">{m.others.join(', ')}</span> on {m.count === 1 ? 'line' : 'lines'} {lineList(m.lines.map((l) => l.line), m.count)}. A file carries one
        source mailing, and each source mailing takes one send at a time, so Loopdesk does not send this file as it is.
      </p>
      <p className="hint">Fill broadmail_ID with the chosen mailing, or leave those rows out. If the file was made for the other mailing, go back to the first step and choose that mailing instead.</p>
      <div className="button-row">
        <button type="button" className="button primary" onClick={useChosen}>
          Use {m.chosen} for every row
        </button>
        {m.lines.length === m.count && (
          <button type="button" className="button" onClick={leaveOut}>
            Leave out {m.count === 1 ? 'this row' : `these ${m.count} rows`}
          </button>
        )}
      </div>
    </div>
  );
}

/** Why Continue is not offered while rows name another source mailing (empty when it is). */
export function sourceMailingBlock(report: ValidationReport | null): string {
  return report?.sourceMailingMismatch ? 'Resolve the rows that name another source mailing first (see above).' : '';
}

/**
 * Values that are sent but deserve a look: line breaks (a line-based importer splits the record)
 * and what a spreadsheet would run as a formula. Counted, with their lines and a table.
 */
export function RiskyValues(props: { report: ValidationReport }) {
  const { report } = props;
  const breaks = report.flagCounts.LINE_BREAK ?? 0;
  const formulas = report.flagCounts.FORMULA ?? 0;
  if (breaks === 0 && formulas === 0) return null;
  const lines = (code: string) => report.flagged.filter((f) => f.code === code).map((f) => f.line);
  const shown = report.flagged.slice(0, ROWS_SHOWN);
  const total = breaks + formulas;
  return (
    <section className="callout callout-warn" aria-labelledby="risky-title">
      <h3 id="risky-title">Values to look at ({total.toLocaleString('en-GB')})</h3>
      <ul className="reason-list" aria-label="Values to look at">
        {breaks > 0 && (
          <li data-testid="flag-line-breaks">
            <strong>{plural(breaks, 'value')} with a line break</strong> (lines {lineList(lines('LINE_BREAK'), breaks)}).{' '}
            {report.lineBreaks === 'space'
              ? 'Each line break is replaced by a space, as this client’s setting says; the changes are listed under “Values tidied automatically”.'
              : 'They are uploaded as they are, inside quotes: such a value spans two lines of the file, and an importer that reads line by line splits the record. To replace or refuse them, change “Line breaks in values” for this client on the Connections screen.'}
          </li>
        )}
        {formulas > 0 && (
          <li data-testid="flag-formulas">
            <strong>{plural(formulas, 'value')} a spreadsheet would run as a formula</strong> (starting with = + − or @; lines {lineList(lines('FORMULA'), formulas)}). They are
            uploaded unchanged. Check that they are meant; anyone who opens this file or a report of it in Excel may run them.
          </li>
        )}
      </ul>
      <DataTable
        label="Risky values"
        rows={shown}
        rowKey={(f, i) => `${f.line}-${f.field}-${f.code}-${i}`}
        columns={[
          { header: 'Line', className: 'num', cell: (f) => f.line },
          { header: 'Field', cell: (f) => f.field },
          { header: 'Why', cell: (f) => (f.code === 'LINE_BREAK' ? 'Line break' : 'Formula') },
          { header: 'Value in the file', className: 'mono', title: (f) => f.value, cell: (f) => visibleValue(f.value) },
        ]}
      />
      {total > shown.length && <p className="hint">Showing the first {shown.length} of {total.toLocaleString('en-GB')}.</p>}
    </section>
  );
}

/** "Values tidied automatically", opened: each change, before → after. */
export function TidiedValues(props: { report: ValidationReport }) {
  const { report } = props;
  if (report.fixes === 0) return null;
  const kinds = Object.entries(report.fixesByCode).filter(([, n]) => n > 0);
  const shown = report.tidied.slice(0, ROWS_SHOWN * 4);
  return (
    <details className="sub-details">
      <summary>
        Values tidied automatically ({report.fixes.toLocaleString('en-GB')}): show each change
      </summary>
      <ul className="reason-list" aria-label="Tidied values by kind">
        {kinds.map(([code, n]) => (
          <li key={code}>
            {FIX_TEXT[code] ?? code}: <strong>{n.toLocaleString('en-GB')}</strong>
          </li>
        ))}
      </ul>
      <DataTable
        label="Values tidied automatically"
        rows={shown}
        rowKey={(f, i) => `${f.line}-${f.field}-${f.code}-${i}`}
        columns={[
          { header: 'Line', className: 'num', cell: (f) => f.line },
          { header: 'Field', cell: (f) => f.field },
          { header: 'Change', cell: (f) => FIX_TEXT[f.code] ?? f.code },
          {
            header: 'Before',
            className: 'mono',
            title: (f) => f.before,
            // Removed spaces shown as dots, so the change is visible.
            cell: (f) => visibleValue(f.code === 'TRIMMED' ? f.before.replace(/^\s+|\s+$/g, (s) => '·'.repeat(s.length)) : f.before),
          },
          { header: <span className="visually-hidden">becomes</span>, ariaHidden: true, cell: () => '→' },
          { header: 'Sent as', className: 'mono', title: (f) => f.after, cell: (f) => visibleValue(f.after) },
        ]}
      />
      {report.fixes > shown.length && <p className="hint">Showing the first {shown.length} of {report.fixes.toLocaleString('en-GB')} changes.</p>}
    </details>
  );
}

/** Problems of kind LINE_BREAK mean the client refuses line breaks: say where that is set. */
export function lineBreakRejectHint(report: ValidationReport): string | null {
  return (report.byCode.LINE_BREAK ?? 0) > 0
    ? 'This client refuses values with a line break (Connections screen, “Line breaks in values”). Correct the value, leave the row out, or change the setting.'
    : null;
}
