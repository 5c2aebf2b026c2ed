import { describe, expect, it } from 'vitest';
import { FAST_POLL_MS, pollDue, pollIntervalMs } from '../../../main/services/sends/poll-schedule';
import type { SendRecord } from '../../../main/services/sends/send-journal';

/** The status-check schedule with an injected clock: each case names the moment it asks about. */
const T0 = Date.UTC(2026, 11, 5, 9, 0, 0);
const PROFILE = { profileMs: 10 * 60_000, fastMs: FAST_POLL_MS };
type Polled = Pick<SendRecord, 'state' | 'mailingId' | 'lastCheckedAt'>;
const send = (state: SendRecord['state'], mailingId: string | null, lastCheckedAt: number | null): Polled => ({
  state,
  mailingId,
  lastCheckedAt: lastCheckedAt === null ? null : new Date(lastCheckedAt),
});

describe('status checks after an upload', () => {
  it('checks every 30 s while the server has not reported the mailing', () => {
    expect(FAST_POLL_MS).toBe(30_000);
    for (const state of ['on_server', 'taken', 'imported'] as const) {
      expect(pollDue(send(state, null, null), T0, PROFILE), `${state}, never checked`).toBe(true);
      expect(pollDue(send(state, null, T0), T0 + 29_999, PROFILE), state).toBe(false);
      expect(pollDue(send(state, null, T0), T0 + 30_000, PROFILE), state).toBe(true);
    }
  });

  it('falls back to the profile interval once the mailing ID is known', () => {
    const created = send('mailing_created', '51106527229', T0);
    expect(pollIntervalMs(created, PROFILE)).toBe(600_000);
    expect(pollDue(created, T0 + 30_000, PROFILE)).toBe(false);
    expect(pollDue(created, T0 + 599_999, PROFILE)).toBe(false);
    expect(pollDue(created, T0 + 600_000, PROFILE)).toBe(true);
    expect(pollDue(send('sending', '51106527229', T0), T0 + 60_000, PROFILE)).toBe(false);
    // A log without a mailing ID still ends the short interval once the mailing is created.
    expect(pollIntervalMs(send('mailing_created', null, T0), PROFILE)).toBe(600_000);
    expect(pollIntervalMs(send('imported', '51106527229', T0), PROFILE)).toBe(600_000);
  });

  it('stops after an error, a finished send, or before the upload', () => {
    for (const state of ['error', 'sent', 'cancelled', 'queued', 'uploading', 'scheduled'] as const) {
      expect(pollDue(send(state, null, null), T0, PROFILE), state).toBe(false);
    }
  });

  it('never waits longer than a profile interval shorter than 30 s, and follows a shortened fast interval', () => {
    expect(pollIntervalMs(send('on_server', null, T0), { profileMs: 10_000, fastMs: FAST_POLL_MS })).toBe(10_000);
    expect(pollDue(send('taken', null, T0), T0 + 250, { profileMs: 600_000, fastMs: 250 })).toBe(true);
  });
});
