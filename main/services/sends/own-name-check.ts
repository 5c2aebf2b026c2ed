import { readFile, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isKnownTimeZone, serverTimeToInstant } from '../../../shared/zoned-time';
import type { SftpSession } from '../sftp';
import { onThisClock, ownEvidenceFrom, type ClockMeasurement, type ServerClockSource } from './server-clock';
import { parseLogFile, statusFileNames } from './server-status-adapter';
import type { SendRecord } from './send-journal';

/**
 * How far the server's clock may run behind this workstation's before anything is known of it:
 * evidence newer than the send's due time less this is held without asking further, as always.
 * Older evidence is judged on the measured clock (server-clock.ts): the stored measurement, or one
 * taken right then with a probe write, since a server more than this behind would make this
 * send's own upload look older than the send (and the mailing would go out twice).
 */
export const SERVER_CLOCK_MARGIN_MS = 5 * 60_000;

/**
 * Whether the server already has a recipient file named `fileName` (this send's own name, or one
 * its name may have moved to) that may be this very send, checked before its names are final
 * (until then the journal does not know whether an upload ever began).
 *
 * Why it is needed: a send's remote name is its identity on the server. The journal fixes the
 * name (`namesFinal`) at the first upload attempt, and a send with final names never uploads
 * again once the server has its log. But a data file restored from an older backup, or a copy of
 * the data folder, can hold a send from before that moment that has gone out since: its record
 * says "scheduled" and knows nothing of the upload. The server is the one witness that survives
 * such a restore, so the send asks it, for its own name and for every later second its claim walks
 * past (the upload it does not know of may itself have moved on from a name another sender had).
 * A file under such a name is either this send itself, or another sender's that used the same
 * second (another workstation, another system). The server's
 * files cannot name the sender; their times can rule this send out: a file or log the server had
 * before this send was even due is another sender's, and the send moves to the next free second as
 * before. The server's times are on the server's clock, the due time on this workstation's: the
 * two are compared on one clock through the measured offset (server-clock.ts, `ownEvidenceFrom`:
 * less the measurement's error and a minute's slack). Evidence newer than the due time less
 * {@link SERVER_CLOCK_MARGIN_MS} is held without a measurement; older evidence needs one (the one
 * stored, else a probe write right now); with none to be had, a day's margin
 * (`UNMEASURED_MARGIN_MS`) decides: when unsure, hold. Anything later may be this send, and guessing
 * either way costs too much (a second mailing to the whole list, or a mailing silently never sent),
 * so the send is held and the operator decides (`sends.resolveHold`).
 *
 * What counts: the recipient file under its final name in the upload directory (the server has
 * not taken it yet; a `.part` file or a products file alone never dispatches anything), and the
 * log of the stem (the server writes one for every file it takes). The log's own first time is
 * used where it has one (read in the client's time zone), else the file's modification time. An
 * error file is no evidence: an upload the server refused sent nothing. Answers when the server
 * had the file (on this workstation's clock where the server's is measured, so the operator compares
 * it with when the send went out), or undefined when it has nothing of that name or it is provably
 * older than the send.
 */
export async function ownNameOnServer(
  session: SftpSession,
  record: SendRecord,
  fileName: string,
  options: { scratchDir: string; timeZone: string; clock: ServerClockSource },
): Promise<{ since: Date } | undefined> {
  const names = statusFileNames(fileName);
  const times: number[] = [];
  const upload = await session.stat(posix.join(record.uploadDir, fileName));
  if (upload) times.push(upload.modifyTime);
  const log = await session.stat(posix.join(record.logDir, names.log));
  if (log) times.push((await firstLogTime(session, record, names.log, options)) ?? log.modifyTime);
  if (times.length === 0) return undefined;
  const due = Math.max(record.createdAt.getTime(), record.scheduledAt.getTime());
  const newest = Math.max(...times);
  const known = await options.clock.known();
  const held = (clock: ClockMeasurement | undefined) => ({ since: new Date(onThisClock(Math.min(...times), clock)) });
  if (newest >= due - SERVER_CLOCK_MARGIN_MS) return held(known);
  const clock = known ?? (await options.clock.measure());
  return newest < ownEvidenceFrom(due, clock) ? undefined : held(clock);
}

/** The earliest time the log file names (undefined: none readable, or a layout this adapter does not know). */
async function firstLogTime(session: SftpSession, record: SendRecord, name: string, options: { scratchDir: string; timeZone: string }): Promise<number | undefined> {
  if (!isKnownTimeZone(options.timeZone)) return undefined;
  const local = join(options.scratchDir, `${record.id}-own-${name}`);
  try {
    await session.download(posix.join(record.logDir, name), local);
    const instants = parseLogFile(await readFile(local, 'utf8'))
      .map((e) => serverTimeToInstant(e.timestamp, options.timeZone)?.getTime())
      .filter((t): t is number => t !== undefined);
    return instants.length > 0 ? Math.min(...instants) : undefined;
  } catch {
    return undefined; // unreadable: the file's own time stands in
  } finally {
    await rm(local, { force: true });
  }
}
