import { useEffect, useRef, useState } from 'react';
import type { AppErrorInfo, EventPayload } from '../../../../shared/contract';
import type { ValidationReport } from '../../../../shared/contract/recipients';
import { useApi, useHostEvent } from '../../api/api-context';
import { HostFileLink } from '../../components/host-file-link';
import { LongValue } from '../../components/long-value';
import { problemValue, reasonText, setExcluded, setOverride, toSendDraft, type NewSendState } from './draft-model';
import type { StepProps } from './step-props';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useI18n } from '../../i18n/use-i18n';
import { PreviewRows } from './preview-rows';
import { lineBreakRejectHint, RiskyValues, SourceMailingMismatchCallout, sourceMailingBlock, TidiedValues } from './check-findings';
import { ErrorCallout } from '../../components/error-callout';
import { DataTable } from '../../components/data-table';
import { useLanguage } from '../../i18n/language-provider';

/** A space between two inline parts (a string literal in JSX would read as untranslated text to the i18n lint). */
const SPACE = ' ';

/** Progress of the check, from `recipients.onProgress`. */
type Progress = Omit<EventPayload<'recipients.onProgress'>, 'path'>;

/** Runs the whole file through mapping and validation; returns an error message or null. */
export function useValidation(draft: NewSendState, update: StepProps['update']) {
  const api = useApi();
  const { language } = useLanguage();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  // The error itself (not its text), so a language switch re-renders it.
  const [error, setError] = useState<AppErrorInfo | null>(null);
  const path = draft.inspection?.path;
  useHostEvent('recipients.onProgress', (p) => {
    if (running && p.path === path) setProgress({ bytesRead: p.bytesRead, totalBytes: p.totalBytes, rows: p.rows });
  });
  // `next` checks a draft that was just changed (the state update has not reached this closure yet).
  const run = async (next: NewSendState = draft) => {
    setRunning(true);
    setError(null);
    setProgress({ bytesRead: 0, totalBytes: draft.inspection?.totalBytes ?? 0, rows: 0 });
    try {
      const r = await api.recipients.validate(toSendDraft(next, language));
      if (r.ok) update({ report: r.value, reportStale: false });
      else setError(r.error);
    } finally {
      setRunning(false);
    }
  };
  return { run, running, progress, error, errorDetails: error?.details ?? null };
}

/** A bar with the words next to it (what is happening, how far). */
export function CheckProgress(props: { progress: Progress | null; label: string }) {
  const { t, fmt } = useI18n();
  const p = props.progress;
  const max = Math.max(1, p?.totalBytes ?? 1);
  return (
    <div className="progress-block" role="status">
      <progress aria-label={props.label} max={max} value={Math.min(max, p?.bytesRead ?? 0)} />
      <span className="small muted">
        {p
          ? t('check.progress', { label: props.label, read: fmt.bytes(p.bytesRead), total: fmt.bytes(p.totalBytes), rows: p.rows })
          : t('check.progress.starting', { label: props.label })}
      </span>
    </div>
  );
}

/** Step 3: the validation report, with inline fixes and exclusions. */
export function CheckStep(props: StepProps) {
  const { draft, update, goTo } = props;
  const { t, errorMessage } = useI18n();
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
  const mailingBlock = draft.reportStale ? null : sourceMailingBlock(report);
  // A disabled action always says why (one sentence under the buttons).
  const blocked: MessageId | null = running
    ? 'check.blocked.running'
    : !report
      ? 'check.blocked.notChecked'
      : draft.reportStale
        ? 'check.blocked.stale'
        : mailingBlock
          ? mailingBlock
          : report.valid === 0
            ? 'check.blocked.noRows'
            : null;
  const editsCount = draft.edits.overrides.length + draft.edits.excludedLines.length;

  return (
    <>
      <p>{t('check.intro')}</p>
      {running && <CheckProgress progress={progress} label={t('check.progress.label')} />}
      <ErrorCallout message={error && errorMessage(error)} title={t('check.failed')} level={3} />
      {report && !running && <ReportView report={report} draft={draft} update={update} />}
      {draft.reportStale && !running && (
        <p className="callout callout-warn" role="status">
          {editsCount > 0
            ? t('check.stale.edits', { values: draft.edits.overrides.length, lines: draft.edits.excludedLines.length })
            : t('check.stale.mapping')}
        </p>
      )}
      <div className="button-row">
        <button type="button" className="button" onClick={() => goTo('mapping')}>
          {t('newSend.back')}
        </button>
        <button type="button" className={`button${draft.reportStale ? ' primary' : ''}`} disabled={running} onClick={() => void run()}>
          {t('check.again')}
        </button>
        <button type="button" className="button" disabled={Boolean(blocked)} aria-describedby={blocked ? 'check-blocked' : undefined} onClick={() => goTo('products')}>
          {draft.useProducts ? t('check.toProducts') : t('check.addProducts')}
        </button>
        <button
          type="button"
          className="button primary"
          disabled={Boolean(blocked) || draft.useProducts}
          aria-describedby={blocked || draft.useProducts ? 'check-blocked' : undefined}
          onClick={() => goTo('send')}
        >
          {t('newSend.toSend')}
        </button>
      </div>
      {(blocked || draft.useProducts) && (
        <p className="hint blocked-reason" id="check-blocked" data-testid="check-blocked">
          {t(blocked ?? 'check.blocked.products')}
        </p>
      )}
    </>
  );
}

function ReportView(props: { report: ValidationReport; draft: NewSendState; update: StepProps['update'] }) {
  const { report, draft, update } = props;
  const { t, rich, fmt, say } = useI18n();
  const codes = Object.entries(report.byCode).filter(([, n]) => n > 0);
  const problemRows = report.excluded.flatMap((row) => row.reasons.map((reason) => ({ row, reason })));
  // Every row that will not go out: rows with problems and the lines the operator left out.
  const leftOut = report.excludedCount + report.excludedByOperator;
  return (
    <section aria-label={t('check.result')}>
      <SourceMailingMismatchCallout report={report} draft={draft} update={update} />
      {!report.sourceMailingMismatch && (
        <div className={`callout ${leftOut === 0 ? 'callout-ok' : report.valid === 0 ? 'callout-error' : 'callout-warn'}`} role="status">
          <h3>
            {report.valid === 0
              ? t('check.summary.none')
              : leftOut === 0
                ? t('check.summary.all', { count: report.valid })
                : t('check.summary.some', { valid: report.valid, leftOut })}
          </h3>
          {report.excludedByOperator > 0 && (
            <p className="small">
              {report.excludedCount > 0
                ? t('check.summary.byYouAndProblems', { lines: report.excludedByOperator, rows: report.excludedCount })
                : t('check.summary.byYou', { lines: report.excludedByOperator })}
            </p>
          )}
          <p className="small muted">{t('check.summary.duration', { seconds: report.durationMs / 1000 })}</p>
        </div>
      )}
      <dl className="stat-tiles" aria-label={t('check.counts')}>
        <div>
          <dt>{t('check.count.rows')}</dt>
          <dd data-testid="count-rows">{fmt.number(report.rows)}</dd>
        </div>
        <div>
          <dt>{t('check.count.valid')}</dt>
          <dd data-testid="count-valid">{fmt.number(report.valid)}</dd>
        </div>
        <div>
          <dt>{t('check.count.leftOut')}</dt>
          <dd data-testid="count-excluded">{fmt.number(leftOut)}</dd>
        </div>
        <div>
          <dt>{t('check.count.tidied')}</dt>
          <dd data-testid="count-fixes">{fmt.number(report.fixes)}</dd>
        </div>
        {report.emptyRows > 0 && (
          <div>
            <dt>{t('check.count.empty')}</dt>
            <dd>{fmt.number(report.emptyRows)}</dd>
          </div>
        )}
      </dl>
      <TidiedValues report={report} />
      <RiskyValues report={report} />
      {codes.length > 0 && (
        <>
          <h3>{t('check.byReason')}</h3>
          <ul className="reason-list" aria-label={t('check.byReason')}>
            {codes.map(([code, n]) => (
              <li key={code}>{rich('check.countOf', { what: reasonText(code, t), count: fmt.number(n), b: (c) => <strong>{c}</strong> })}</li>
            ))}
          </ul>
          {lineBreakRejectHint(report) && <p className="hint">{t('check.lineBreakReject')}</p>}
        </>
      )}
      <LeftOutByYou report={report} draft={draft} update={update} />
      {problemRows.length > 0 && (
        <>
          <h3>{t('check.problems.title')}</h3>
          <p className="hint">{t('check.problems.hint')}</p>
          <DataTable
            label={t('check.problems.title')}
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
              { header: t('newSend.line'), className: 'num', cell: ({ row }) => row.line },
              { header: t('newSend.field'), cell: ({ reason }) => reason.field },
              {
                header: t('check.problems.reason'),
                cell: ({ reason }) => (
                  <>
                    {reasonText(reason.code, t)}
                    <span className="hint">{say(reason.text, reason.message)}</span>
                  </>
                ),
              },
              {
                header: t('check.problems.value'),
                className: 'mono value-cell',
                cell: ({ row, reason, value }) =>
                  value === null ? (
                    <span className="muted">{t('check.problems.notShown')}</span>
                  ) : value === '' ? (
                    <span className="muted">{t('newSend.empty')}</span>
                  ) : (
                    <LongValue value={value} label={t('check.problems.valueOf', { field: reason.field, line: row.line })} />
                  ),
              },
              {
                header: t('check.problems.correct'),
                cell: ({ row, reason, value, override, excluded }) => (
                  <input
                    aria-label={t('check.problems.corrected', { field: reason.field, line: row.line })}
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
                header: t('check.problems.leaveOut'),
                className: 'center',
                cell: ({ row, excluded }) => (
                  <input
                    type="checkbox"
                    aria-label={t('check.problems.leaveOutLine', { line: row.line })}
                    checked={excluded}
                    onChange={(e) => update({ edits: setExcluded(draft.edits, row.line, e.target.checked), reportStale: true })}
                  />
                ),
              },
            ]}
          />
          {report.excludedCount > report.excluded.length && (
            <p className="hint">{t('check.problems.firstOf', { shown: report.excluded.length, total: report.excludedCount })}</p>
          )}
        </>
      )}
      {report.rejectedFile && <HostFileLink path={report.rejectedFile} label={t('check.rejected.download')} hint={t('check.rejected.hint')} />}
      {/* A kept line break shows as ↵: HTML would fold it into a space and hide the second line of the record. */}
      {report.sample.length > 0 && (
        <PreviewRows caption={t('check.sample')} columns={report.fields} rows={report.sample.slice(0, 5).map((r) => r.map((v) => v.replace(/\r\n|\r|\n/g, '↵')))} />
      )}
    </section>
  );
}

/** Lines the operator left out that the report no longer lists, so they can be taken back. */
function LeftOutByYou(props: { report: ValidationReport; draft: NewSendState; update: StepProps['update'] }) {
  const listed = new Set(props.report.excluded.map((x) => x.line));
  const hidden = props.draft.edits.excludedLines.filter((l) => !listed.has(l));
  const { t } = useI18n();
  if (hidden.length === 0) return null;
  return (
    <div className="note">
      <p>{t('check.byYou.intro')}</p>
      <ul className="chip-list" aria-label={t('check.byYou.title')}>
        {hidden.map((line) => (
          <li key={line} className="chip">
            {t('check.byYou.line', { line })}{SPACE}
            <button
              type="button"
              className="link-button"
              aria-label={t('check.byYou.takeBackLine', { line })}
              onClick={() => props.update({ edits: setExcluded(props.draft.edits, line, false), reportStale: true })}
            >
              {t('check.byYou.takeBack')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
