import { KPI_TEXT, type KpiText } from '../../../../shared/i18n/kpi-text';
import type { GridViewName, MailingReport, PulledFile, ResponseMailing } from '../../../../shared/contract/responses';
import type { MessageId } from '../../../../shared/i18n/messages';
import type { I18n } from '../../i18n/use-i18n';

export type { GridViewName } from '../../../../shared/contract/responses';
/** One mailing row of `responses.mailings`. */
export type ResponseMailingRow = ResponseMailing;
/** The answer of `responses.report`. */
export type MailingReportData = MailingReport;
/** One file outcome of `responses.pull`. */
export type PulledFileRow = PulledFile;

/** The views operators pick from, joined views first because they answer the usual questions. */
export const VIEW_CHOICES: readonly { readonly view: GridViewName; readonly label: MessageId; readonly explain: MessageId }[] = [
  { view: 'clicks_with_links', label: 'responses.view.clicksWithLinks', explain: 'responses.view.clicksWithLinks.explain' },
  { view: 'recipient_journey', label: 'responses.view.recipientJourney', explain: 'responses.view.recipientJourney.explain' },
  { view: 'bounces_by_category', label: 'responses.view.bouncesByCategory', explain: 'responses.view.bouncesByCategory.explain' },
  { view: 'mailing_recipients', label: 'responses.view.mailingRecipients', explain: 'responses.view.mailingRecipients.explain' },
  { view: 'opens', label: 'responses.view.opens', explain: 'responses.view.opens.explain' },
  { view: 'clicks', label: 'responses.view.clicks', explain: 'responses.view.clicks.explain' },
  { view: 'links', label: 'responses.view.links', explain: 'responses.view.links.explain' },
  { view: 'unsubscribes', label: 'responses.view.unsubscribes', explain: 'responses.view.unsubscribes.explain' },
  { view: 'responses', label: 'responses.view.responses', explain: 'responses.view.responses.explain' },
  { view: 'mailings', label: 'responses.view.mailings', explain: 'responses.view.mailings.explain' },
];

/** The catalog key of a view's label, for headings and the picker. */
export function viewLabelId(view: GridViewName): MessageId {
  return VIEW_CHOICES.find((v) => v.view === view)?.label ?? 'responses.view.clicksWithLinks';
}

/** How a response mailing was tied to the send that made it. */
export const LINK_KIND_TEXT: Readonly<Record<ResponseMailingRow['link'], MessageId>> = {
  log: 'responses.link.log',
  time: 'responses.link.time',
  none: 'responses.link.none',
};

/** What happened to a pulled file. */
export const OUTCOME_TEXT: Readonly<Record<PulledFileRow['outcome'], MessageId>> = {
  ingested: 'responses.outcome.ingested',
  replaced: 'responses.outcome.replaced',
  skipped: 'responses.outcome.skipped',
  rejected: 'responses.outcome.rejected',
};

/** A KPI's name, sentence and definition in the reader's language (the service's English where a KPI is new to this map). */
export function kpiTexts(i18n: Pick<I18n, 't'>, kpi: MailingReportData['kpis'][number]): { label: string; explain: string; formula: string } {
  const ids = (KPI_TEXT as Readonly<Record<string, KpiText | undefined>>)[kpi.key];
  return ids ? { label: i18n.t(ids.label), explain: i18n.t(ids.explain), formula: i18n.t(ids.formula) } : { label: kpi.label, explain: kpi.explain, formula: kpi.formula };
}

/**
 * Times from the response files are the server's wall clock without a zone
 * (`YYYY-MM-DD HH:MM:SS`): as a Date that shows the same numbers here, so formatting it in
 * the reader's form (`05.12.2026 14:30`) never shifts it by this computer's zone.
 */
export function wallClock(text: string | null | undefined): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text ?? '');
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) : null;
}

/** A server wall-clock time in the reader's date form, to the minute. */
export function fileTime(fmt: I18n['fmt'], text: string | null): string {
  return fmt.dateTime(wallClock(text) ?? text);
}

/** A KPI value as shown on its card: counts with the locale's separators, rates as percentages with one decimal. */
export function kpiValueText(fmt: I18n['fmt'], kpi: MailingReportData['kpis'][number]): string {
  if (kpi.value === null) return fmt.number(null);
  return kpi.unit === 'rate' ? fmt.percent(kpi.value, 1) : fmt.number(kpi.value);
}

/** The mailing IDs of a report route parameter (`report/1,2,3`). */
export function parseIds(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^\d{1,19}$/.test(s));
}
