import { SERVER_STATES, type SendRecord } from './send-journal';

/**
 * How often the log folder is checked right after an upload, until the server has taken the file
 * and reported its mailing or an error (interpretation.md, "Status polling"). The profile's
 * interval (minutes) is for the slow part after that: sending, finishing.
 */
export const FAST_POLL_MS = 30_000;

/** The intervals a status check follows. */
export interface PollIntervals {
  /** The profile's interval (`pollMinutes`), in milliseconds. */
  readonly profileMs: number;
  /** The interval while waiting for the server's first answer; {@link FAST_POLL_MS} unless a test shortens it. */
  readonly fastMs: number;
}

/** The server states before the server reports the mailing it created. */
const BEFORE_MAILING: readonly SendRecord['state'][] = ['on_server', 'taken', 'imported'];

/**
 * True while a send is on the server and the server has reported neither its mailing nor an
 * error. A server whose log names no mailing ID still ends the short interval at `mailing_created`.
 */
export function awaitingServer(record: Pick<SendRecord, 'state' | 'mailingId'>): boolean {
  return BEFORE_MAILING.includes(record.state) && record.mailingId === null;
}

/** The interval between status checks of a send; never longer than the profile's. */
export function pollIntervalMs(record: Pick<SendRecord, 'state' | 'mailingId'>, intervals: PollIntervals): number {
  return awaitingServer(record) ? Math.min(intervals.fastMs, intervals.profileMs) : intervals.profileMs;
}

/**
 * Whether a send's status is due for a check at `now` (ms): a send the server moves that was never
 * checked is due at once, otherwise after its interval since the last check.
 */
export function pollDue(record: Pick<SendRecord, 'state' | 'mailingId' | 'lastCheckedAt'>, now: number, intervals: PollIntervals): boolean {
  if (!SERVER_STATES.includes(record.state)) return false;
  if (!record.lastCheckedAt) return true;
  return now - record.lastCheckedAt.getTime() >= pollIntervalMs(record, intervals);
}
