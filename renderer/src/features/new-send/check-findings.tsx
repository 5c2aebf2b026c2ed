import type { FixCode, ValidationReport } from '../../../../shared/contract/recipients';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useI18n, type I18n } from '../../i18n/use-i18n';
import { setExcluded, type NewSendState } from './draft-model';
import type { StepProps } from './step-props';
import { DataTable } from '../../components/data-table';

/** A space between two inline parts (a string literal in JSX would read as untranslated text to the i18n lint). */
const SPACE = ' ';

/** How many lines a finding names inline before "and N more". */
const LINES_SHOWN = 12;
/** Rows of the value tables before "and N more". */
const ROWS_SHOWN = 50;

/** A value as text on one line: line breaks as ↵, long values shortened (the whole in the tooltip). */
export function visibleValue(v: string, max = 120): string {
  const oneLine = v.replace(/\r\n|\r|\n/g, '↵');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/** Line numbers as a short list (`3, 7, 9` or `3, 7, 9 and more`), numbers in the language's form. */
function lineList(lines: readonly number[], total: number, i18n: Pick<I18n, 't' | 'fmt'>): string {
  const unique = [...new Set(lines)];
  const shown = unique.slice(0, LINES_SHOWN).join(', ');
  return total > LINES_SHOWN && unique.length > LINES_SHOWN ? i18n.t('check.lines.andMore', { lines: shown }) : shown;
}

/** Plain words for the automatic changes (catalog keys). */
export const FIX_TEXT: Record<FixCode, MessageId> = {
  TRIMMED: 'check.fix.TRIMMED',
  DATE_NORMALISED: 'check.fix.DATE_NORMALISED',
  LINE_BREAK_REPLACED: 'check.fix.LINE_BREAK_REPLACED',
};

/** The words of a fix code; a code this version does not know is shown as it is. */
function fixText(code: string, t: I18n['t']): string {
  const id = (FIX_TEXT as Record<string, MessageId | undefined>)[code];
  return id ? t(id) : code;
}

/**
 * Rows whose broadmail_ID names another source mailing: the send is refused as a whole, so say
 * which rows, why, and offer the two ways out (fill it with the chosen mailing, or leave them out).
 */
export function SourceMailingMismatchCallout(props: { report: ValidationReport; draft: NewSendState; update: StepProps['update'] }) {
  const m = props.report.sourceMailingMismatch;
  const i18n = useI18n();
  const { t, rich } = i18n;
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
      <h3 id="mismatch-title">{t('check.mismatch.title', { count: m.count })}</h3>
      <p>
        {rich('check.mismatch.body', {
          chosen: m.chosen,
          field,
          others: m.others.join(', '),
          count: m.count,
          lines: lineList(m.lines.map((l) => l.line), m.count, i18n),
          b: (c) => <strong className="mono">{c}</strong>,
          code: (c) => <span className="mono">{c}</span>,
        })}
      </p>
      <p className="hint">{t('check.mismatch.hint')}</p>
      <div className="button-row">
        <button type="button" className="button primary" onClick={useChosen}>
          {t('check.mismatch.useChosen', { id: m.chosen })}
        </button>
        {m.lines.length === m.count && (
          <button type="button" className="button" onClick={leaveOut}>
            {t('check.leaveOutRows', { count: m.count })}
          </button>
        )}
      </div>
    </div>
  );
}

/** Why Continue is not offered while rows name another source mailing (null when it is). */
export function sourceMailingBlock(report: ValidationReport | null): MessageId | null {
  return report?.sourceMailingMismatch ? 'check.blocked.mismatch' : null;
}

/**
 * Values that are sent but deserve a look: line breaks (a line-based importer splits the record)
 * and what a spreadsheet would run as a formula. Counted, with their lines and a table.
 */
export function RiskyValues(props: { report: ValidationReport }) {
  const { report } = props;
  const i18n = useI18n();
  const { t, rich, fmt } = i18n;
  const breaks = report.flagCounts.LINE_BREAK ?? 0;
  const formulas = report.flagCounts.FORMULA ?? 0;
  if (breaks === 0 && formulas === 0) return null;
  const lines = (code: string) => report.flagged.filter((f) => f.code === code).map((f) => f.line);
  const shown = report.flagged.slice(0, ROWS_SHOWN);
  const total = breaks + formulas;
  return (
    <section className="callout callout-warn" aria-labelledby="risky-title">
      <h3 id="risky-title">{t('check.risky.title', { count: fmt.number(total) })}</h3>
      <ul className="reason-list" aria-label={t('check.risky.label')}>
        {breaks > 0 && (
          <li data-testid="flag-line-breaks">
            {rich('check.risky.lineBreaks', { count: breaks, lines: lineList(lines('LINE_BREAK'), breaks, i18n), b: (c) => <strong>{c}</strong> })}{SPACE}
            {report.lineBreaks === 'space' ? t('check.risky.lineBreaks.space') : t('check.risky.lineBreaks.keep')}
          </li>
        )}
        {formulas > 0 && (
          <li data-testid="flag-formulas">
            {rich('check.risky.formulas', { count: formulas, lines: lineList(lines('FORMULA'), formulas, i18n), b: (c) => <strong>{c}</strong> })}
          </li>
        )}
      </ul>
      <DataTable
        label={t('check.risky.table')}
        rows={shown}
        rowKey={(f, i) => `${f.line}-${f.field}-${f.code}-${i}`}
        columns={[
          { header: t('newSend.line'), className: 'num', cell: (f) => f.line },
          { header: t('newSend.field'), cell: (f) => f.field },
          { header: t('check.risky.why'), cell: (f) => (f.code === 'LINE_BREAK' ? t('check.flag.LINE_BREAK') : t('check.flag.FORMULA')) },
          { header: t('check.risky.value'), className: 'mono', title: (f) => f.value, cell: (f) => visibleValue(f.value) },
        ]}
      />
      {total > shown.length && <p className="hint">{t('check.firstOf', { shown: shown.length, total })}</p>}
    </section>
  );
}

/** "Values tidied automatically", opened: each change, before → after. */
export function TidiedValues(props: { report: ValidationReport }) {
  const { report } = props;
  const { t, rich, fmt } = useI18n();
  if (report.fixes === 0) return null;
  const kinds = Object.entries(report.fixesByCode).filter(([, n]) => n > 0);
  const shown = report.tidied.slice(0, ROWS_SHOWN * 4);
  return (
    <details className="sub-details">
      <summary>{t('check.tidied.summary', { count: fmt.number(report.fixes) })}</summary>
      <ul className="reason-list" aria-label={t('check.tidied.byKind')}>
        {kinds.map(([code, n]) => (
          <li key={code}>{rich('check.countOf', { what: fixText(code, t), count: fmt.number(n), b: (c) => <strong>{c}</strong> })}</li>
        ))}
      </ul>
      <DataTable
        label={t('check.count.tidied')}
        rows={shown}
        rowKey={(f, i) => `${f.line}-${f.field}-${f.code}-${i}`}
        columns={[
          { header: t('newSend.line'), className: 'num', cell: (f) => f.line },
          { header: t('newSend.field'), cell: (f) => f.field },
          { header: t('check.tidied.change'), cell: (f) => fixText(f.code, t) },
          {
            header: t('check.tidied.before'),
            className: 'mono',
            title: (f) => f.before,
            // Removed spaces shown as dots, so the change is visible.
            cell: (f) => visibleValue(f.code === 'TRIMMED' ? f.before.replace(/^\s+|\s+$/g, (s) => '·'.repeat(s.length)) : f.before),
          },
          { header: <span className="visually-hidden">{t('check.tidied.becomes')}</span>, ariaHidden: true, cell: () => '→' },
          { header: t('check.tidied.after'), className: 'mono', title: (f) => f.after, cell: (f) => visibleValue(f.after) },
        ]}
      />
      {report.fixes > shown.length && <p className="hint">{t('check.tidied.firstOf', { shown: shown.length, total: report.fixes })}</p>}
    </details>
  );
}

/** Problems of kind LINE_BREAK mean the client refuses line breaks: say where that is set (`check.lineBreakReject`). */
export function lineBreakRejectHint(report: ValidationReport): boolean {
  return (report.byCode.LINE_BREAK ?? 0) > 0;
}
