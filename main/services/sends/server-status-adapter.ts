import Papa from 'papaparse';
import type { SendState } from '../../../shared/contract/sends';

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

function parseTable(text: string, header: readonly string[], what: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, delimiter: ';', skipEmptyLines: true });
  const fields = parsed.meta.fields ?? [];
  const missing = header.filter((h) => !fields.includes(h));
  if (missing.length > 0) {
    throw new Error(`The server's ${what} does not have the expected columns (missing ${missing.join(', ')}); its layout may have changed.`);
  }
  return parsed.data;
}

/** Parses a log file; throws a readable error when its header is not the expected one. */
export function parseLogFile(text: string): LogEvent[] {
  return parseTable(text, LOG_HEADER, 'log file').map((r) => ({
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
  return parseTable(text, ERROR_HEADER, 'error file').map((r) => ({
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
  /** Human lines for the timeline, one per log event. */
  readonly steps: readonly { readonly state: SendState; readonly message: string; readonly at: string }[];
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
  const steps: { state: SendState; message: string; at: string }[] = [];
  if (!observation.stillInUpload && observation.events.length === 0 && ORDER.indexOf(state) < ORDER.indexOf('taken') && ORDER.includes(state)) {
    state = 'taken';
    steps.push({ state, message: 'The server took the file from the upload directory.', at: '' });
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
      steps.push({ state, message: e.message || 'The server reported an error.', at: e.timestamp });
      continue;
    }
    if (state !== 'error' && ORDER.indexOf(next) > ORDER.indexOf(state)) state = next;
    steps.push({ state: next, message: describe(e), at: e.timestamp });
  }
  if (observation.errorRows.length > 0 && state !== 'error') {
    state = 'error';
    steps.push({ state, message: `The server rejected the file (${observation.errorRows.length} problem(s)).`, at: '' });
  }
  if (state === 'error') failedAt ??= imported ? 'start' : 'import';
  return { state, mailingId, steps, failedAt: state === 'error' ? failedAt : null };
}

function describe(e: LogEvent): string {
  switch (e.event) {
    case 'received':
      return 'The server received the file.';
    case 'imported':
      return `Imported ${e.records || 'the'} recipients.`;
    case 'mailing_created':
      return `Mailing ${e.mailingId} created from the source mailing.`;
    case 'sending_started':
      return 'Sending started.';
    case 'sending_finished':
      return `Sending finished${e.records ? ` (${e.records} recipients)` : ''}.`;
    default:
      return e.message || e.event;
  }
}
