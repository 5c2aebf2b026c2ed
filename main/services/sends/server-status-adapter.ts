import Papa from 'papaparse';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import type { SendState } from '../../../shared/contract/sends';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId, MessageValues } from '../../../shared/i18n/messages';

/**
 * Reads the server's status files in the layout of interpretation.md ("Status"): the log
 * file `logs/<stem>.log` and the error file `logs/<stem>.error.csv`. Another server layout
 * is one new adapter with these functions; nothing else reads status files.
 */

/** One line of a log file. */
export interface LogEvent {
  readonly timestamp: string;
  readonly event: string;
  readonly file: string;
  readonly mailingId: string;
  readonly records: string;
  readonly message: string;
}

/** One row of an error file. */
export interface ErrorRow {
  readonly line: number;
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/** What the server shows about one upload. */
export interface ServerObservation {
  /** The upload is still in the upload directory (the cron job has not taken it). */
  readonly stillInUpload: boolean;
  /** Log events, in file order; empty when there is no log yet. */
  readonly events: readonly LogEvent[];
  readonly errorRows: readonly ErrorRow[];
  /** `logs/HALTED` exists. */
  readonly halted: boolean;
}

/** Names of the status files of an upload. */
export function statusFileNames(fileName: string): { stem: string; log: string; error: string; halted: string } {
  const stem = fileName.replace(/\.csv$/i, '');
  return { stem, log: `${stem}.log`, error: `${stem}.error.csv`, halted: 'HALTED' };
}

const LOG_HEADER = ['timestamp', 'event', 'file', 'mailingId', 'records', 'message'];
const ERROR_HEADER = ['line', 'field', 'code', 'message'];

/** A status file whose header lacks columns this adapter reads: the server's layout may have changed. */
export class StatusLayoutError extends Error {
  constructor(
    readonly what: 'log' | 'error',
    readonly missing: readonly string[],
  ) {
    super(`The server's ${what} file does not have the expected columns (missing ${missing.join(', ')}); its layout may have changed.`);
    this.name = 'StatusLayoutError';
  }
}

function parseTable(text: string, header: readonly string[], what: 'log' | 'error'): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, delimiter: ';', skipEmptyLines: true });
  const fields = parsed.meta.fields ?? [];
  const missing = header.filter((h) => !fields.includes(h));
  if (missing.length > 0) throw new StatusLayoutError(what, missing);
  return parsed.data;
}

/** Parses a log file; throws a readable error when its header is not the expected one. */
export function parseLogFile(text: string): LogEvent[] {
  return parseTable(text, LOG_HEADER, 'log').map((r) => ({
    timestamp: r.timestamp ?? '',
    event: (r.event ?? '').trim(),
    file: r.file ?? '',
    mailingId: (r.mailingId ?? '').trim(),
    records: r.records ?? '',
    message: r.message ?? '',
  }));
}

/** Parses an error file. */
export function parseErrorFile(text: string): ErrorRow[] {
  return parseTable(text, ERROR_HEADER, 'error').map((r) => ({
    line: Number.parseInt(r.line ?? '0', 10) || 0,
    field: r.field ?? '',
    code: r.code ?? '',
    message: r.message ?? '',
  }));
}

const EVENT_STATES: Record<string, SendState> = {
  received: 'taken',
  imported: 'imported',
  mailing_created: 'mailing_created',
  sending_started: 'sending',
  sending_finished: 'sent',
  error: 'error',
};

const ORDER: readonly SendState[] = ['on_server', 'taken', 'imported', 'mailing_created', 'sending', 'sent'];

/** The state a send has reached on the server, and the mailing ID once known. */
export interface DerivedStatus {
  readonly state: SendState;
  readonly mailingId: string | null;
  /** Lines for the timeline, one per log event: English `message` and its catalog form `text`. */
  readonly steps: readonly DerivedStep[];
  /**
   * Where a failed send failed: `import` (the file was rejected) or `start` (the file was
   * imported, but the mailing could not be started: the vendor's second error case). Null
   * unless the state is `error`.
   */
  readonly failedAt: 'import' | 'start' | null;
}

/**
 * Derives a send's state from what the server shows. Never moves backwards: a log that
 * lags behind the state already recorded keeps the recorded state.
 */
export function deriveStatus(observation: ServerObservation, recorded: SendState): DerivedStatus {
  let state: SendState = recorded;
  let mailingId: string | null = null;
  let imported = false;
  let failedAt: DerivedStatus['failedAt'] = null;
  const steps: DerivedStep[] = [];
  if (!observation.stillInUpload && observation.events.length === 0 && ORDER.indexOf(state) < ORDER.indexOf('taken') && ORDER.includes(state)) {
    state = 'taken';
    steps.push({ state, ...step('sends.step.taken'), at: '' });
  }
  for (const e of observation.events) {
    const next = EVENT_STATES[e.event];
    if (!next) continue;
    if (e.mailingId) mailingId = e.mailingId;
    if (next === 'imported') imported = true;
    if (next === 'error') {
      state = 'error';
      // An error after `imported` is the start failing, not the file: the recipients were fine.
      failedAt ??= imported ? 'start' : 'import';
      // The server's own words stay as they are (data); the frame around them is the reader's language.
      steps.push({ state, ...(e.message ? { message: e.message, text: { id: 'sends.step.serverError', values: { reason: e.message } } } : step('sends.step.serverReportedError')), at: e.timestamp });
      continue;
    }
    if (state !== 'error' && ORDER.indexOf(next) > ORDER.indexOf(state)) state = next;
    steps.push({ state: next, ...describe(e), at: e.timestamp });
  }
  if (observation.errorRows.length > 0 && state !== 'error') {
    state = 'error';
    steps.push({ state, ...step('sends.step.rejected', { count: observation.errorRows.length }), at: '' });
  }
  if (state === 'error') failedAt ??= imported ? 'start' : 'import';
  return { state, mailingId, steps, failedAt: state === 'error' ? failedAt : null };
}

/** One timeline line derived from the server's status files. */
export interface DerivedStep {
  readonly state: SendState;
  /** In English (logs; also how a step already recorded is recognised). */
  readonly message: string;
  readonly text: CatalogText;
  /** The server's own time of the step, as its log wrote it (empty when the step has none). */
  readonly at: string;
}

function step(id: MessageId, values: MessageValues = {}): { message: string; text: CatalogText } {
  return { message: appIntl('en').formatMessage({ id }, values), text: { id, values: { ...values } } };
}

/** A whole number from the log's `records` column, or null when it has none. */
function count(records: string): number | null {
  return /^\d+$/.test(records.trim()) ? Number(records.trim()) : null;
}

function describe(e: LogEvent): { message: string; text: CatalogText } {
  const records = count(e.records);
  switch (e.event) {
    case 'received':
      return step('sends.step.received');
    case 'imported':
      return records === null ? step('sends.step.importedAll') : step('sends.step.imported', { count: records });
    case 'mailing_created':
      return step('sends.step.mailingCreated', { mailingId: e.mailingId });
    case 'sending_started':
      return step('sends.step.sendingStarted');
    case 'sending_finished':
      return records === null ? step('sends.step.sendingFinished') : step('sends.step.sendingFinishedCount', { count: records });
    default:
      return { message: e.message || e.event, text: { id: 'sends.step.serverNote', values: { reason: e.message || e.event } } };
  }
}
