import { describe, expect, it } from 'vitest';
import { deriveStatus, parseErrorFile, parseLogFile } from '../../../main/services/sends/server-status-adapter';

/**
 * The sandbox's log and error file of the vendor's second error case ("Error when mailing is
 * started after data import"), as `test/integration/sandbox/fidelity.test.ts` sees it written.
 */
const START_FAILED_LOG = [
  'timestamp;event;file;mailingId;records;message',
  '"2026-12-05 10:00:02";"received";"20261205100000_subscribers.csv";"";"";"1234 bytes"',
  '"2026-12-05 10:00:02";"imported";"20261205100000_subscribers.csv";"";"40";"40 recipient(s) imported into the recipient list of client demo"',
  '"2026-12-05 10:00:02";"mailing_created";"20261205100000_subscribers.csv";"51106527229";"40";"Copy of source mailing 44018617811 ""Winter clearance"" created"',
  '"2026-12-05 10:00:02";"error";"20261205100000_subscribers.csv";"51106527229";"40";"Mailing 51106527229 could not be started: source mailing 44018617811 ""Winter clearance"" was deactivated after the import; nothing was sent. See 20261205100000_subscribers.error.csv; the interface is halted until it is restarted."',
  '',
].join('\n');
const START_FAILED_ERRORS = [
  'line;field;code;message',
  '"0";"broadmail_ID";"MAILING_START_FAILED";"Mailing 51106527229 (copy of source mailing 44018617811 ""Winter clearance"") could not be started: the source mailing was deactivated after the import."',
  '',
].join('\n');
const IMPORT_FAILED_LOG = [
  'timestamp;event;file;mailingId;records;message',
  '"2026-12-05 10:00:02";"received";"20261205100000_subscribers.csv";"";"";"1234 bytes"',
  '"2026-12-05 10:00:02";"error";"20261205100000_subscribers.csv";"";"1";"Import failed with 1 problem(s), see 20261205100000_subscribers.error.csv; the interface is halted until it is restarted."',
  '',
].join('\n');

describe('deriveStatus: an error when the mailing is started after a good import', () => {
  const observation = { stillInUpload: false, events: parseLogFile(START_FAILED_LOG), errorRows: parseErrorFile(START_FAILED_ERRORS), halted: true };

  it.each(['on_server', 'imported', 'mailing_created'] as const)('recorded %s: a failed send, failed at the start, with the server message and the copy’s ID', (recorded) => {
    const d = deriveStatus(observation, recorded);
    expect(d.state).toBe('error');
    expect(d.failedAt).toBe('start');
    expect(d.mailingId).toBe('51106527229');
    expect(d.steps.map((s) => s.state)).toEqual(['taken', 'imported', 'mailing_created', 'error']);
    const error = d.steps.at(-1)!;
    expect(error.message).toBe(observation.events[3].message);
    // The server's own words stay as data inside a frame in the reader's language.
    expect(error.text).toEqual({ id: 'sends.step.serverError', values: { reason: observation.events[3].message } });
    expect(error.at).toBe('2026-12-05 10:00:02');
    // The import went well: its step says so, and no "rejected the file" line is added.
    expect(d.steps[1].message).toBe('Imported 40 recipients.');
    expect(d.steps.some((s) => /rejected the file/.test(s.message))).toBe(false);
  });

  it('a rejected file is a failure at the import, and a good send has no failure', () => {
    const rejected = deriveStatus({ stillInUpload: false, events: parseLogFile(IMPORT_FAILED_LOG), errorRows: [], halted: true }, 'on_server');
    expect(rejected).toMatchObject({ state: 'error', failedAt: 'import', mailingId: null });
    const good = deriveStatus({ stillInUpload: false, events: parseLogFile(START_FAILED_LOG.split('\n').slice(0, 4).join('\n')), errorRows: [], halted: false }, 'on_server');
    expect(good).toMatchObject({ state: 'mailing_created', failedAt: null, mailingId: '51106527229' });
  });
});

/** A log file from the given rows (event, mailingId, records), one second apart. */
function log(...rows: [event: string, mailingId: string, records: string][]): string {
  return [
    'timestamp;event;file;mailingId;records;message',
    ...rows.map(([event, mailingId, records], i) => `"2026-12-05 10:00:0${i}";"${event}";"20261205100000_subscribers.csv";"${mailingId}";"${records}";""`),
    '',
  ].join('\n');
}

describe('deriveStatus: the way through to a sent mailing', () => {
  const full = parseLogFile(
    log(['received', '', ''], ['imported', '', '40'], ['mailing_created', '51106527229', '40'], ['sending_started', '51106527229', ''], ['sending_finished', '51106527229', '40']),
  );

  it('each log event moves the send one state on, with a line in the operator’s words', () => {
    const d = deriveStatus({ stillInUpload: false, events: full, errorRows: [], halted: false }, 'on_server');
    expect(d).toMatchObject({ state: 'sent', mailingId: '51106527229', failedAt: null });
    expect(d.steps).toEqual([
      { state: 'taken', message: 'The server received the file.', text: { id: 'sends.step.received', values: {} }, at: '2026-12-05 10:00:00' },
      { state: 'imported', message: 'Imported 40 recipients.', text: { id: 'sends.step.imported', values: { count: 40 } }, at: '2026-12-05 10:00:01' },
      {
        state: 'mailing_created',
        message: 'Mailing 51106527229 created from the source mailing.',
        text: { id: 'sends.step.mailingCreated', values: { mailingId: '51106527229' } },
        at: '2026-12-05 10:00:02',
      },
      { state: 'sending', message: 'Sending started.', text: { id: 'sends.step.sendingStarted', values: {} }, at: '2026-12-05 10:00:03' },
      { state: 'sent', message: 'Sending finished (40 recipients).', text: { id: 'sends.step.sendingFinishedCount', values: { count: 40 } }, at: '2026-12-05 10:00:04' },
    ]);
  });

  it('never moves backwards: a log that lags behind keeps the recorded state', () => {
    const d = deriveStatus({ stillInUpload: false, events: full.slice(0, 2), errorRows: [], halted: false }, 'sending');
    expect(d.state).toBe('sending');
    expect(d.steps.map((s) => s.state)).toEqual(['taken', 'imported']);
  });

  it('a file gone from the upload directory with no log yet was taken; one still there stays on the server', () => {
    const taken = deriveStatus({ stillInUpload: false, events: [], errorRows: [], halted: false }, 'on_server');
    expect(taken.state).toBe('taken');
    expect(taken.steps).toEqual([{ state: 'taken', message: 'The server took the file from the upload directory.', text: { id: 'sends.step.taken', values: {} }, at: '' }]);
    const waiting = deriveStatus({ stillInUpload: true, events: [], errorRows: [], halted: false }, 'on_server');
    expect(waiting).toEqual({ state: 'on_server', mailingId: null, steps: [], failedAt: null });
  });

  it('an error file without an error line still fails the send at the import, counting its problems; unknown events are ignored', () => {
    const events = parseLogFile(log(['received', '', ''], ['virus_scan', '', '']));
    const errorRows = parseErrorFile('line;field;code;message\n"3";"email";"INVALID";"bad"\n"4";"email";"INVALID";"bad"\n');
    const d = deriveStatus({ stillInUpload: false, events, errorRows, halted: true }, 'on_server');
    expect(d).toMatchObject({ state: 'error', failedAt: 'import', mailingId: null });
    expect(d.steps.map((s) => s.message)).toEqual(['The server received the file.', 'The server rejected the file (2 problems).']);
    expect(d.steps[1].text).toEqual({ id: 'sends.step.rejected', values: { count: 2 } });
  });
});
