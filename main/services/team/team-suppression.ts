import pg from 'pg';
import { listenTeamChannel } from './team-notices';
import type { TeamDb } from './team-pool';

/** NOTIFY channel on which a push that changed the shared suppression list is announced. */
export const SUPPRESSION_CHANNEL = 'loopdesk_suppression';

/**
 * Advisory lock held by every push for the length of its transaction. It makes the change
 * sequence commit in order: a pull that has read up to `seq` N never later meets a row with a
 * smaller sequence that committed after it (which a plain sequence would allow, and that row
 * would then be missed for good).
 */
const PUSH_LOCK = 0x10_0d_e5_c4;

/** Rows per statement of a pull; one statement per page, never a round trip per address. */
const PULL_PAGE = 50_000;

/** One change of the suppression list as a workstation made it: an address suppressed, or removed by an operator. */
export interface SuppressionChange {
  /** Lower-cased, trimmed. */
  readonly email: string;
  /** True: an operator removed it (a tombstone); false: suppressed. */
  readonly removed: boolean;
  /** Why it was suppressed, or why it was removed. */
  readonly reason: string;
  /** Where it came from (`mailing 123`, `import list.xlsx`); '' for removals. */
  readonly source: string;
  /**
   * When it happened; decides which change wins. Pushed: as {@link workstationClock} says; in the
   * team database and in pulled changes: on the team database's time.
   */
  readonly changedAt: Date;
  /**
   * Pushed changes only. True: `changedAt` was read off this workstation's clock (an operator's
   * import or removal), so the push puts it on the team database's time. False or missing: it is
   * on real time already (an unsubscribe's or bounce's own time from the mailing server's
   * response files) and is pushed as it is.
   */
  readonly workstationClock?: boolean;
}

/** A change as the team database holds it: with who made it and its place in the change sequence. */
export interface SharedSuppressionChange extends SuppressionChange {
  /** The workstation that made it: its id, and its name (for "removed by …"). */
  readonly by: string;
  readonly byName: string;
  /** The log epoch (data file opening, store/database.ts) that pushed it; '' for changes pushed before epochs. */
  readonly epoch: string;
  readonly seq: number;
}

/** What a push did. */
export interface SuppressionPushResult {
  /** Changes that arrived later than a newer opposite change of the same address: kept in `team_suppression_superseded`, not applied. */
  readonly superseded: readonly SuppressionChange[];
  /** How many changed the shared list. */
  readonly applied: number;
  /** The clock reading the push corrected its changes by; missing when there was nothing to push. */
  readonly clock?: TeamClockReading;
}

/** This workstation's clock against the team database's, from one round trip. */
export interface TeamClockReading {
  /**
   * Team database time minus workstation time, in ms: positive when this workstation's clock is
   * behind. Exact to half the round trip (a few ms on a LAN).
   */
  readonly offsetMs: number;
}

/**
 * Reads the team database's clock in one round trip on a connection already open (so connecting
 * does not count) and sets it against this workstation's clock `now` (epoch ms) halfway through
 * the round trip. `clock_timestamp()`, not `now()`: inside a transaction `now()` is its start.
 */
async function readTeamClock(c: pg.ClientBase, now: () => number): Promise<TeamClockReading> {
  const sent = now();
  const at = (await c.query<{ at: Date }>('SELECT clock_timestamp() AS at')).rows[0].at.getTime();
  const received = now();
  return { offsetMs: Math.round(at - (sent + received) / 2) };
}

/** Measures this workstation's clock (`now`, epoch ms) against the team database's (at connect, and for the operator's warning). */
export function measureTeamClock(db: TeamDb, now: () => number = Date.now): Promise<TeamClockReading> {
  return db.transaction((c) => readTeamClock(c, now));
}

/**
 * Pushes this workstation's changes in one transaction and one statement per step (arrays, not
 * a round trip per address). Conflict rule: per address the latest change wins, by the time it
 * was made (`changedAt`); suppressing an address that is suppressed, or removing one that is
 * removed, changes nothing. A change that loses against a newer opposite one is not applied but
 * kept with its author in `team_suppression_superseded` and returned, so nothing is lost
 * silently. Announces the push on {@link SUPPRESSION_CHANNEL} when it changed anything.
 *
 * Whose time: "latest" must mean latest in real time, and workstation clocks are often minutes
 * off (a wrong time zone, no time sync), which would let an older change beat a newer one: a
 * clock 10 minutes fast makes its removal beat an unsubscribe made 5 minutes after it, and that
 * recipient is mailed again. So the team database's clock (a server's, kept by time sync) is the
 * one time scale: every change is stored and compared on it. Changes stamped by this
 * workstation's clock (`workstationClock`) are moved by the offset measured in this very
 * transaction, one round trip after the lock (`now` is this workstation's clock, epoch ms): exact
 * to half a round trip, a few milliseconds on a LAN, far below the minutes that matter. Times from the
 * mailing server's files (an unsubscribe's own time) are on real time already and go as they are.
 *
 * Why the offset at push, not one remembered from when the change was made: while connected, a
 * workstation pushes a change within a second of making it, so the two are the same offset and
 * nothing needs storing. A change made offline is pushed with the offset of its push. A wrong
 * clock usually stays as wrong while offline (no time sync), so that puts the change right; a
 * clock set right between the change and the push gives an offset of about 0, so the change
 * compares as it did before this correction existed. Only a clock that went wrong between the
 * change and its push misplaces it (an offset remembered from before the change fails the same
 * way for a clock that changed before the change). Whatever loses is kept in
 * `team_suppression_superseded`, never dropped.
 */
export async function pushTeamSuppression(
  db: TeamDb,
  me: { readonly id: string; readonly name: string; readonly epoch: string },
  changes: readonly SuppressionChange[],
  now: () => number = Date.now,
): Promise<SuppressionPushResult> {
  if (changes.length === 0) return { superseded: [], applied: 0 };
  // One row per address (the last one given): an upsert may touch each row once per statement.
  changes = [...new Map(changes.map((c) => [c.email, c])).values()];
  const incoming = `SELECT * FROM unnest($1::text[], $2::boolean[], $3::text[], $4::text[], $5::timestamptz[]) AS c(email, removed, reason, source, changed_at)`;
  return db.transaction(async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK]);
    const clock = await readTeamClock(c, now);
    const onTeamTime = changes.map((x) => (x.workstationClock ? new Date(x.changedAt.getTime() + clock.offsetMs) : x.changedAt));
    const params = [changes.map((x) => x.email), changes.map((x) => x.removed), changes.map((x) => x.reason), changes.map((x) => x.source), onTeamTime, me.id, me.name];
    const superseded = (
      await c.query<{ email: string; removed: boolean; reason: string; source: string; changed_at: Date }>(
        `INSERT INTO team_suppression_superseded (email, removed, reason, source, changed_at, changed_by, changed_by_name, superseded_by_seq)
         SELECT c.email, c.removed, c.reason, c.source, c.changed_at, $6, $7, t.seq FROM (${incoming}) c JOIN team_suppression t USING (email)
         WHERE t.removed <> c.removed AND c.changed_at <= t.changed_at
         RETURNING email, removed, reason, source, changed_at`,
        params,
      )
    ).rows;
    const applied =
      (
        await c.query(
          `INSERT INTO team_suppression (email, removed, reason, source, changed_at, changed_by, changed_by_name, changed_by_epoch, seq)
           SELECT c.email, c.removed, c.reason, c.source, c.changed_at, $6, $7, $8, nextval('team_suppression_seq') FROM (${incoming}) c
           ON CONFLICT (email) DO UPDATE SET removed = EXCLUDED.removed, reason = EXCLUDED.reason, source = EXCLUDED.source, changed_at = EXCLUDED.changed_at,
             changed_by = EXCLUDED.changed_by, changed_by_name = EXCLUDED.changed_by_name, changed_by_epoch = EXCLUDED.changed_by_epoch, seq = EXCLUDED.seq
           WHERE team_suppression.removed <> EXCLUDED.removed AND EXCLUDED.changed_at > team_suppression.changed_at`,
          [...params, me.epoch],
        )
      ).rowCount ?? 0;
    // The pusher may have skipped the winning rows while its own change waited: moved to the end
    // of the sequence, they reach it (and everyone, harmlessly) with its next pull.
    if (superseded.length > 0) await c.query(`UPDATE team_suppression SET seq = nextval('team_suppression_seq') WHERE email = ANY($1)`, [superseded.map((r) => r.email)]);
    if (applied > 0) await c.query('SELECT pg_notify($1, $2)', [SUPPRESSION_CHANNEL, JSON.stringify({ workstation: me.id })]);
    return { applied, clock, superseded: superseded.map((r) => ({ email: r.email, removed: r.removed, reason: r.reason, source: r.source, changedAt: r.changed_at })) };
  });
}

/** The shared list's changes after `afterSeq`, in sequence order (at most one page; call again from the last `seq`). */
export async function pullTeamSuppression(db: TeamDb, afterSeq: number, limit = PULL_PAGE): Promise<SharedSuppressionChange[]> {
  const rows = (
    await db.query<{ email: string; removed: boolean; reason: string; source: string; changed_at: Date; changed_by: string; changed_by_name: string; changed_by_epoch: string; seq: string }>(
      'SELECT email, removed, reason, source, changed_at, changed_by, changed_by_name, changed_by_epoch, seq FROM team_suppression WHERE seq > $1 ORDER BY seq LIMIT $2',
      [afterSeq, limit],
    )
  ).rows;
  return rows.map((r) => ({ email: r.email, removed: r.removed, reason: r.reason, source: r.source, changedAt: r.changed_at, by: r.changed_by, byName: r.changed_by_name, epoch: r.changed_by_epoch, seq: Number(r.seq) }));
}

/**
 * Calls `listener` when another workstation changed the shared list (NOTIFY), and each time the
 * listening connection (re)connects, since pushes made meanwhile were not heard; over its own
 * connection, which comes back after a drop. Returns the stop function.
 */
export function watchTeamSuppression(config: pg.ClientConfig, me: string, listener: () => void): Promise<() => Promise<void>> {
  const onPayload = (payload: string | undefined) => {
    try {
      if ((JSON.parse(payload ?? '{}') as { workstation?: string }).workstation === me) return;
    } catch {
      // An unreadable payload still means the list changed.
    }
    listener();
  };
  return listenTeamChannel(config, SUPPRESSION_CHANNEL, onPayload, listener);
}
