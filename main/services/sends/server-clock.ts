import type { LogActivity } from '../activity/activity-service';
import type { ProfilesService } from '../profiles/profiles-service';
import type { SftpSession } from '../sftp';
import type { Database } from '../store/database';

/**
 * The SFTP server's clock as this workstation knows it: how far it runs ahead of this
 * workstation's (negative: behind), measured whenever Loopdesk itself writes a file there.
 *
 * Why: the own-name check (own-name-check.ts) compares the server's times of a file (its
 * modification time, the times the server wrote into its log) with the send's due time on this
 * workstation's clock. A server whose clock runs behind makes this send's own earlier upload look
 * older than the send, and the check would take it for another sender's: the mailing would go
 * out twice. Knowing the offset, the check compares on one clock.
 *
 * How: right after Loopdesk's last write to a file on the server, the file's modification time is
 * the server's clock at that write, and this workstation's clock read before the write was sent
 * and after its answer came back brackets the same moment (see {@link measureServerClock}).
 */

/** One measurement of the server's clock: `offsetMs` = server clock − this workstation's clock, true within ± `errorMs`. */
export interface ClockMeasurement {
  readonly offsetMs: number;
  readonly errorMs: number;
  /** When it was measured (this workstation's clock). */
  readonly measuredAt: Date;
}

/** What one own write tells: the file's modification time on the server, and this workstation's clock just before the write was sent and just after it was answered. */
export interface ClockSample {
  /** The server's modification time of the file, ms since the epoch (SFTP carries whole seconds). */
  readonly modifyTime: number;
  /** This workstation's clock before the write request left (ms since the epoch). */
  readonly before: number;
  /** This workstation's clock after the write was answered and before anything else wrote the file. */
  readonly after: number;
}

/**
 * SFTP (version 3) carries file times in whole seconds: a server that truncates reports a moment of
 * [m, m + 1 s) as m, one that rounds a moment of [m − 0.5 s, m + 0.5 s). One second either side
 * holds both.
 */
export const FILE_TIME_RESOLUTION_MS = 1_000;

/**
 * The server's clock offset from one own write, with a bound that always holds: the server set the
 * file's time at a moment between `before` and `after` on this workstation's clock, so
 * offset = server time − local time lies within [m − 1 s − after, m + 1 s − before].
 * Answers the middle of that interval and half its width; the width is the write's round trip
 * (plus the upload's duration when the whole transfer is the bracket) plus two seconds.
 */
export function measureServerClock(sample: ClockSample): { offsetMs: number; errorMs: number } {
  const low = sample.modifyTime - FILE_TIME_RESOLUTION_MS - sample.after;
  const high = sample.modifyTime + FILE_TIME_RESOLUTION_MS - sample.before;
  return { offsetMs: Math.round((low + high) / 2), errorMs: Math.ceil((high - low) / 2) };
}

/** The tighter of two samples (the shorter bracket, so the smaller error bound); either may be absent. */
export function tighter(a: ClockSample | undefined, b: ClockSample | undefined): ClockSample | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.after - b.before < a.after - a.before ? b : a;
}

/**
 * Slack on top of a measurement's own bound: clocks drift apart after a measurement (an unsynced
 * server's quartz by a few seconds a day; a measurement older than {@link MEASUREMENT_MAX_AGE_MS}
 * is not used), and the server's log times are whole seconds as well.
 */
export const MEASURED_SLACK_MS = 60_000;

/** A measurement older than this is measured again before it decides anything (drift, or a server whose clock was set since). */
export const MEASUREMENT_MAX_AGE_MS = 7 * 86_400_000;

/**
 * With no measurement (and none to be had: the probe write failed), how much older than the send
 * the server's evidence may look and still be this send. A server's clock that nobody keeps in
 * sync is minutes off; one set to the wrong zone (local time on a system that takes it for UTC) is
 * whole hours off, up to 14 hours; a day holds every such mistake. The cost of the wide margin is
 * small: a file of another sender under the same name within a day before the send holds the send
 * until the operator answers (`sends.resolveHold`), where a narrow margin could send a mailing twice.
 */
export const UNMEASURED_MARGIN_MS = 86_400_000;

/** Lower bound on an offset that is reported to the operator (the activity warning, once per profile). */
export const WARN_OFFSET_MS = 60_000;

/**
 * The earliest server time (on the server's clock) at which a file or log may still be this send,
 * due at `dueMs` on this workstation's clock: the due time moved onto the server's clock by the
 * measured offset, less the measurement's error and {@link MEASURED_SLACK_MS}; without a
 * measurement, the due time less {@link UNMEASURED_MARGIN_MS}. Anything the server had before is
 * another sender's.
 */
export function ownEvidenceFrom(dueMs: number, clock: ClockMeasurement | undefined): number {
  if (!clock) return dueMs - UNMEASURED_MARGIN_MS;
  return dueMs + clock.offsetMs - clock.errorMs - MEASURED_SLACK_MS;
}

/** A time on the server's clock moved onto this workstation's by the measured offset; as it is without a measurement. */
export function onThisClock(serverTime: number, clock: ClockMeasurement | undefined): number {
  return clock ? serverTime - clock.offsetMs : serverTime;
}

/** How a send reaches the measurements of its server (the own-name check's view). */
export interface ServerClockSource {
  /** The last measurement for this server, when recent enough to use. */
  known(): Promise<ClockMeasurement | undefined>;
  /** Measures now with a probe write (and keeps the result); undefined when the server allowed none. */
  measure(): Promise<ClockMeasurement | undefined>;
}

interface Row {
  server: string;
  offset_ms: bigint | number;
  error_ms: bigint | number;
  measured_at: Date;
  warned: boolean;
}

/**
 * The last measurement per profile, kept in the data file (`server_clock`, local migration 9)
 * with the host key fingerprint of the server it was taken on: a profile moved to another server
 * starts unmeasured. Also warns the operator, once per profile, of a clock more than a minute off.
 */
export class ServerClockStore {
  constructor(
    private readonly db: Database,
    private readonly log: LogActivity,
    /** The server as the operator knows it (`host:port`), for the warning. */
    private readonly serverName: (profile: string) => string,
  ) {}

  /** The profile's last measurement on the server with this host key; undefined when there is none, or it is older than {@link MEASUREMENT_MAX_AGE_MS}. */
  async known(profile: string, fingerprint: string, now = Date.now()): Promise<ClockMeasurement | undefined> {
    const [row] = await this.db.all<Row>('SELECT * FROM server_clock WHERE profile = $1', [profile]);
    if (!row || row.server !== fingerprint) return undefined;
    const measured = { offsetMs: Number(row.offset_ms), errorMs: Number(row.error_ms), measuredAt: row.measured_at };
    return now - measured.measuredAt.getTime() > MEASUREMENT_MAX_AGE_MS ? undefined : measured;
  }

  /**
   * Keeps `sample`'s measurement as the profile's last one and answers it; the first time a
   * profile's server is surely more than {@link WARN_OFFSET_MS} off, the activity log says so
   * (again only after a measurement within the minute).
   */
  async record(profile: string, fingerprint: string, sample: ClockSample): Promise<ClockMeasurement> {
    const measured = { ...measureServerClock(sample), measuredAt: new Date(sample.after) };
    const off = Math.abs(measured.offsetMs) - measured.errorMs > WARN_OFFSET_MS;
    const fine = Math.abs(measured.offsetMs) + measured.errorMs <= WARN_OFFSET_MS;
    // One transaction: two uploads measuring at once must not both take the warning for theirs.
    const warn = await this.db.transaction(async (tx) => {
      const [previous] = await tx.all<Row>('SELECT * FROM server_clock WHERE profile = $1', [profile]);
      const warnedBefore = previous?.server === fingerprint && previous.warned;
      await tx.run(
        `INSERT OR REPLACE INTO server_clock (profile, server, offset_ms, error_ms, measured_at, warned) VALUES ($1, $2, $3, $4, $5, $6)`,
        [profile, fingerprint, measured.offsetMs, measured.errorMs, measured.measuredAt.toISOString(), (off && !warnedBefore) || (warnedBefore && !fine)],
      );
      return off && !warnedBefore;
    });
    if (warn) {
      const minutes = Math.round(Math.abs(measured.offsetMs) / 6_000) / 10;
      await this.log({
        level: 'warn',
        kind: 'connect',
        profile,
        messageId: measured.offsetMs < 0 ? 'sends.activity.serverClockBehind' : 'sends.activity.serverClockAhead',
        values: { server: this.serverName(profile), minutes },
        details: `server clock minus this workstation's: ${measured.offsetMs} ms (± ${measured.errorMs} ms)`,
      });
    }
    return measured;
  }
}

/**
 * The own-name check's view of one session's server clock: the profile's stored measurement, and
 * a probe write into `dir` (the upload directory, where the send writes anyway) when it needs one.
 * Without a store (nothing to keep it in) the probe still measures.
 */
export function serverClockOf(store: ServerClockStore | undefined, session: SftpSession, profile: string, dir: string): ServerClockSource {
  return {
    known: async () => store?.known(profile, session.fingerprint),
    measure: async () => {
      const probe = await session.checkWritable(dir);
      if (!probe.ok || !probe.clock) return undefined;
      return store ? store.record(profile, session.fingerprint, probe.clock) : { ...measureServerClock(probe.clock), measuredAt: new Date(probe.clock.after) };
    },
  };
}

/**
 * Reads the clock off an upload's `.part` file after its last write (the upload's `beforePublish`
 * step): its modification time was set by that write, which happened after `before` (taken before
 * the upload began) and before now. Never throws: a failed look only means no measurement.
 */
export async function samplePart(session: SftpSession, partPath: string, before: number): Promise<ClockSample | undefined> {
  const after = Date.now();
  try {
    const part = await session.stat(partPath);
    return part ? { modifyTime: part.modifyTime, before, after } : undefined;
  } catch {
    return undefined;
  }
}

/** A profile's server as the operator set it up (`host:port`), for the activity log; the profile's name when it is gone. */
export function serverNameOf(profiles: Pick<ProfilesService, 'stored'>, profile: string): string {
  try {
    const stored = profiles.stored(profile);
    return `${stored.host}:${stored.port}`;
  } catch {
    return profile;
  }
}
