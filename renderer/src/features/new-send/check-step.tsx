import { useEffect, useRef, useState } from 'react';
import type { AppErrorInfo, EventPayload } from '../../../../shared/contract';
import type { ValidationReport } from '../../../../shared/contract/recipients';
import { useApi, useHostEvent } from '../../api/api-context';
import { formatBytes, plural } from '../../components/format';
import { HostFileLink } from '../../components/host-file-link';
import { LongValue } from '../../components/long-value';
import { problemValue, reasonText, setExcluded, setOverride, toSendDraft, type NewSendState } from './draft-model';
import type { StepProps } from './new-send-screen';
import { RowsTable } from '../../components/rows-table';
import { lineBreakRejectHint, RiskyValues, SourceMailingMismatchCallout, sourceMailingBlock, TidiedValues } from './check-findings';
import { ErrorCallout } from '../../components/error-callout';
import { DataTable } from '../../components/data-table';

/** Progress of the check, from `recipients.onProgress`. */
type Progress = Omit<EventPayload<'recipients.onProgress'>, 'path'>;

/** Runs the whole file through mapping and validation; returns an error message or null. */
export function useValidation(draft: NewSendState, update: StepProps['update']) {
  const api = useApi();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [errorDetails, setErrorDetails] = useState<AppErrorInfo['details'] | null>(null);
  const path = draft.inspection?.path;
  useHostEvent('recipients.onProgress', (p) => {
    if (running && p.path === path) setProgress({ bytesRead: p.bytesRead, totalBytes: p.totalBytes, rows: p.rows });
  });
  // `next` checks a draft that was just changed (the state update has not reached this closure yet).
  const run = async (next: NewSendState = draft) => {
    setRunning(true);
    setError(null);
    setErrorDetails(null);
    setProgress({ bytesRead: 0, totalBytes: draft.inspection?.totalBytes ?? 0, rows: 0 });
    try {
      const r = await api.recipients.validate(toSendDraft(next));
      if (r.ok) update({ report: r.value, reportStale: false });
      else {
        setError(r.error.message);
        setErrorDetails(r.error.details ?? null);
      }
    } finally {
      setRunning(false);
    }
  };
  return { run, running, progress, error, errorDetails };
}

/** A bar with the words next to it (what is happening, how far). */
export function CheckProgress(props: { progress: Progress | null; label: string }) {
  const p = props.progress;
  const max = Math.max(1, p?.totalBytes ?? 1);
  return (
    <div className="progress-block" role="status">
      <progress aria-label={props.label} max={max} value={Math.min(max, p?.bytesRead ?? 0)} />
      <span className="small muted">
        {props.label}: {p ? `${formatBytes(p.bytesRead)} of ${formatBytes(p.totalBytes)} read, ${plural(p.rows, 'row')}` : 'starting…'}
      </span>
    </div>
  );
}

/** Step 3: the validation report, with inline fixes and exclusions. */
export function CheckStep(props: StepProps) {
  const { draft, update, goTo } = props;
  const { run, running, progress, error } = useValidation(draft, update);
  const started = useRef(false);
  useEffect(() => {
    // Entering the step checks at once when there is nothing current to show.
    if (!started.current && (!draft.report || draft.reportStale)) {
      started.current = true;
      void run();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only on entering the step
  }, []);
  const report = draft.report;
  // Rows naming another source mailing: nothing goes on until they are resolved (check-findings.tsx).
  const mailingBlock = draft.reportStale ? '' : sourceMailingBlock(report);
  // A disabled action always says why (one sentence under the buttons).
  const blocked = running
    ? 'Wait until the check has finished.'
    : !report
      ? 'The file has not been checked yet: press “Check again”.'
      : draft.reportStale
        ? 'You changed something since the check: press “Check again” first.'
        : mailingBlock
          ? mailingBlock
          : report.valid === 0
            ? 'No row can be sent: correct the rows below or take left-out lines back in, then check again.'
            : null;
  const editsCount = draft.edits.overrides.length + draft.edits.excludedLines.length;

  return (
    <>
      <p>Loopdesk reads the whole file, applies the mapping and checks every row against the client’s master list. Nothing leaves this computer in this step.</p>
      {running && <CheckProgress progress={progress} label="Checking the file" />}
      <ErrorCallout message={error} title="The check could not finish" level={3} />
      {report && !running && <ReportView report={report} draft={draft} update={update} />}
      {draft.reportStale && !running && (
        <p className="callout callout-warn" role="status">
          {editsCount > 0 ? `You changed ${plural(draft.edits.overrides.length, 'value')} and left out ${plural(draft.edits.excludedLines.length, 'line')}. ` : 'The mapping or the source mailing changed. '}
          Check again to see the result.
        </p>
      )}
      <div className="button-row">
        <button type="button" className="button" onClick={() => goTo('mapping')}>
          Back
        </button>
        <button type="button" className={`button${draft.reportStale ? ' primary' : ''}`} disabled={running} onClick={() => void run()}>
          Check again
        </button>
        <button type="button" className="button" disabled={Boolean(blocked)} aria-describedby={blocked ? 'check-blocked' : undefined} onClick={() => goTo('products')}>
          {draft.useProducts ? 'Continue to products' : 'Add products (optional)'}
        </button>
        <button
          type="button"
          className="button primary"
          disabled={Boolean(blocked) || draft.useProducts}
          aria-describedby={blocked || draft.useProducts ? 'check-blocked' : undefined}
          onClick={() => goTo('send')}
        >
          Continue to send
        </button>
      </div>
      {(blocked || draft.useProducts) && (
        <p className="hint blocked-reason" id="check-blocked" data-testid="check-blocked">
          {blocked ?? 'You added a product catalog: continue through the Products step, where it is checked (or choose “Send without products” there).'}
        </p>
      )}
    </>
  );
}

function ReportView(props: { report: ValidationReport; draft: NewSendState; update: StepProps['update'] }) {
  const { report, draft, update } = props;
  const codes = Object.entries(report.byCode).filter(([, n]) => n > 0);
  const problemRows = report.excluded.flatMap((row) => row.reasons.map((reason) => ({ row, reason })));
  // Every row that will not go out: rows with problems and the lines the operator left out.
  const leftOut = report.excludedCount + report.excludedByOperator;
  return (
    <section aria-label="Check result">
      <SourceMailingMismatchCallout report={report} draft={draft} update={update} />
      {!report.sourceMailingMismatch && (
        <div className={`callout ${leftOut === 0 ? 'callout-ok' : report.valid === 0 ? 'callout-error' : 'callout-warn'}`} role="status">
          <h3>
            {report.valid === 0
              ? 'No row can be sent'
              : leftOut === 0
                ? `All ${plural(report.valid, 'row')} can be sent`
                : `${plural(report.valid, 'row')} can be sent, ${plural(leftOut, 'row')} will be left out`}
          </h3>
          {report.excludedByOperator > 0 && <p className="small">{plural(report.excludedByOperator, 'line')} left out by you{report.excludedCount > 0 ? `, ${plural(report.excludedCount, 'row')} with problems` : ''}.</p>}
          <p className="small muted">Checked in {(report.durationMs / 1000).toFixed(1)} s.</p>
        </div>
      )}
      <dl className="stat-tiles" aria-label="Counts">
        <div>
          <dt>Rows in the file</dt>
          <dd data-testid="count-rows">{report.rows.toLocaleString('en-GB')}</dd>
        </div>
        <div>
          <dt>Will be sent</dt>
          <dd data-testid="count-valid">{report.valid.toLocaleString('en-GB')}</dd>
        </div>
        <div>
          <dt>Left out</dt>
          <dd data-testid="count-excluded">{leftOut.toLocaleString('en-GB')}</dd>
        </div>
        <div>
          <dt>Values tidied automatically</dt>
          <dd data-testid="count-fixes">{report.fixes.toLocaleString('en-GB')}</dd>
        </div>
        {report.emptyRows > 0 && (
          <div>
            <dt>Empty lines skipped</dt>
            <dd>{report.emptyRows.toLocaleString('en-GB')}</dd>
          </div>
        )}
      </dl>
      <TidiedValues report={report} />
      <RiskyValues report={report} />
      {codes.length > 0 && (
        <>
          <h3>Problems by reason</h3>
          <ul className="reason-list" aria-label="Problems by reason">
            {codes.map(([code, n]) => (
              <li key={code}>
                {reasonText(code)}: <strong>{n.toLocaleString('en-GB')}</strong>
              </li>
            ))}
          </ul>
          {lineBreakRejectHint(report) && <p className="hint">{lineBreakRejectHint(report)}</p>}
        </>
      )}
      <LeftOutByYou report={report} draft={draft} update={update} />
      {problemRows.length > 0 && (
        <>
          <h3>Rows that cannot be sent</h3>
          <p className="hint">Type a corrected value, or leave the row out, then press “Check again”. Your corrections change only what is uploaded, never your file.</p>
          <DataTable
            label="Rows that cannot be sent"
            className="problem-table"
            rows={problemRows.map(({ row, reason }) => ({
              row,
              reason,
              value: problemValue(report, row, reason.field, draft.inspection, draft.mapping),
              override: draft.edits.overrides.find((o) => o.line === row.line && o.field === reason.field),
              excluded: draft.edits.excludedLines.includes(row.line),
            }))}
            rowKey={({ row, reason }) => `${row.line}-${reason.field}-${reason.code}`}
            rowClassName={(p) => (p.excluded ? 'row-excluded' : undefined)}
            columns={[
              { header: 'Line', className: 'num', cell: ({ row }) => row.line },
              { header: 'Field', cell: ({ reason }) => reason.field },
              {
                header: 'Reason',
                cell: ({ reason }) => (
                  <>
                    {reasonText(reason.code)}
                    <span className="hint">{reason.message}</span>
                  </>
                ),
              },
              {
                header: 'Value',
                className: 'mono value-cell',
                cell: ({ row, reason, value }) =>
                  value === null ? <span className="muted">not shown</span> : value === '' ? <span className="muted">empty</span> : <LongValue value={value} label={`${reason.field} of line ${row.line}`} />,
              },
              {
                header: 'Correct it',
                cell: ({ row, reason, value, override, excluded }) => (
                  <input
                    aria-label={`Corrected ${reason.field} for line ${row.line}`}
                    value={override?.value ?? value ?? ''}
                    disabled={excluded}
                    onChange={(e) =>
                      update({
                        edits: setOverride(draft.edits, row.line, reason.field, e.target.value === (value ?? '') ? null : e.target.value),
                        reportStale: true,
                      })
                    }
                  />
                ),
              },
              {
                header: 'Leave out',
                className: 'center',
                cell: ({ row, excluded }) => (
                  <input
                    type="checkbox"
                    aria-label={`Leave out line ${row.line}`}
                    checked={excluded}
                    onChange={(e) => update({ edits: setExcluded(draft.edits, row.line, e.target.checked), reportStale: true })}
                  />
                ),
              },
            ]}
          />
          {report.excludedCount > report.excluded.length && (
            <p className="hint">Showing the first {report.excluded.length} of {report.excludedCount} rows; the download has them all.</p>
          )}
        </>
      )}
      {report.rejectedFile && <HostFileLink path={report.rejectedFile} label="Download rejected rows" hint="A CSV with every rejected row and its reasons, to fix in Excel." />}
      {/* A kept line break shows as ↵: HTML would fold it into a space and hide the second line of the record. */}
      {report.sample.length > 0 && (
        <RowsTable caption="First rows exactly as they will be uploaded" columns={report.fields} rows={report.sample.slice(0, 5).map((r) => r.map((v) => v.replace(/\r\n|\r|\n/g, '↵')))} />
      )}
    </section>
  );
}

/** Lines the operator left out that the report no longer lists, so they can be taken back. */
function LeftOutByYou(props: { report: ValidationReport; draft: NewSendState; update: StepProps['update'] }) {
  const listed = new Set(props.report.excluded.map((x) => x.line));
  const hidden = props.draft.edits.excludedLines.filter((l) => !listed.has(l));
  if (hidden.length === 0) return null;
  return (
    <div className="note">
      <p>Lines you left out: </p>
      <ul className="chip-list" aria-label="Lines you left out">
        {hidden.map((line) => (
          <li key={line} className="chip">
            Line {line}{' '}
            <button
              type="button"
              className="link-button"
              aria-label={`Take line ${line} back in`}
              onClick={() => props.update({ edits: setExcluded(props.draft.edits, line, false), reportStale: true })}
            >
              take back
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
