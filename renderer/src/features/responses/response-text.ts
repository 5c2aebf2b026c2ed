import type { GridViewName, MailingReport, PulledFile, ResponseMailing } from '../../../../shared/contract/responses';

export type { GridViewName } from '../../../../shared/contract/responses';
/** One mailing row of `responses.mailings`. */
export type ResponseMailingRow = ResponseMailing;
/** The answer of `responses.report`. */
export type MailingReportData = MailingReport;
/** One file outcome of `responses.pull`. */
export type PulledFileRow = PulledFile;

/** The views operators pick from, joined views first because they answer the usual questions. */
export const VIEW_CHOICES: readonly { readonly view: GridViewName; readonly label: string; readonly explain: string }[] = [
  { view: 'clicks_with_links', label: 'Clicks with link name and URL', explain: 'Every click, with the name and address of the link that was clicked.' },
  { view: 'recipient_journey', label: 'Recipient journey', explain: 'Everything that happened to one e-mail address: sent, opens, clicks, bounces, unsubscribes, in time order.' },
  { view: 'bounces_by_category', label: 'Bounces by category', explain: 'Bounced recipients per mailing and bounce category (hard = fatal_bounce, soft = bounce or temporary_bounce).' },
  { view: 'mailing_recipients', label: 'Recipients per mailing', explain: 'One row per recipient of each mailing, with sending and delivery status.' },
  { view: 'opens', label: 'Opens', explain: 'Every tracked open, with device, platform and browser.' },
  { view: 'clicks', label: 'Clicks (without link names)', explain: 'Every click as in the clicks file.' },
  { view: 'links', label: 'Links', explain: 'The links of each mailing as in the links file.' },
  { view: 'unsubscribes', label: 'Unsubscribes', explain: 'Every unsubscribe.' },
  { view: 'responses', label: 'Responses (bounces, auto-replies)', explain: 'Every response the server recorded, with its category.' },
  { view: 'mailings', label: 'Mailings (as in the file)', explain: 'The mailings file as the server wrote it.' },
];

/** Label of a view, for headings and the picker. */
export function viewLabel(view: GridViewName): string {
  return VIEW_CHOICES.find((v) => v.view === view)?.label ?? view;
}

/** How a response mailing was tied to the send that made it, in words. */
export function linkKindText(link: ResponseMailingRow['link']): string {
  switch (link) {
    case 'log':
      return 'found by the mailing ID in the server log';
    case 'time':
      return 'matched by source mailing and time';
    default:
      return 'not sent with this Loopdesk';
  }
}

/** What happened to a pulled file, in words. */
export function outcomeText(outcome: PulledFileRow['outcome']): string {
  switch (outcome) {
    case 'ingested':
      return 'New';
    case 'replaced':
      return 'Replaced (changed on the server)';
    case 'skipped':
      return 'Unchanged';
    case 'rejected':
      return 'Rejected';
  }
}

/**
 * Times from the response files are the server's wall clock without a zone; they are shown
 * exactly as written (`YYYY-MM-DD HH:MM:SS`) so they match what the server's files say.
 */
export function fileTime(iso: string | null): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '').slice(0, 19);
}

/** A KPI value as shown on its card: counts with separators, rates as percentages. */
export function kpiValueText(kpi: MailingReportData['kpis'][number]): string {
  if (kpi.value === null) return '—';
  if (kpi.unit === 'rate') return `${(kpi.value * 100).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
  return kpi.value.toLocaleString('en-GB');
}

/** The mailing IDs of a report route parameter (`report/1,2,3`). */
export function parseIds(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^\d{1,19}$/.test(s));
}
