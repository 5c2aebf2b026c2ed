import type { MessageId } from '../../../shared/i18n/messages';
import type { Database } from '../store/database';
import { FROM_JSON_ROWS } from './suppression-list';
import type { SuppressionChange, TeamClockReading, TeamStore } from '../team/team-store';

/** What the sync needs of the team database (team-suppression.ts behind the team store). */
export type SuppressionTeam = Pick<TeamStore, 'target' | 'workstation' | 'pushSuppression' | 'pullSuppression' | 'watchSuppression' | 'measureClock'>;

/** Outbox rows pushed per statement. */
const PUSH_PAGE = 50_000;

/** A clock this far off the team database's is worth telling the operator about (changes are ordered right regardless). */
export const CLOCK_WARNING_MS = 60_000;

/**
 * The activity entry that tells the operator this workstation's clock is `offsetMs` (team
 * database minus workstation) off: the order of suppression changes is put right regardless,
 * but every other time this workstation records is off by as much.
 */
export function clockOffEntry(offsetMs: number): { level: 'warn'; kind: string; profile: null; messageId: MessageId; values: { direction: 'ahead' | 'behind'; minutes: number }; details: string } {
  return {
    level: 'warn',
    // Shown as the suppression list's: that is what it concerns in the team.
    kind: 'suppression',
    profile: null,
    messageId: 'team.activity.clockOff',
    values: { direction: offsetMs < 0 ? 'ahead' : 'behind', minutes: Math.max(1, Math.round(Math.abs(offsetMs) / 60_000)) },
    details: `team database time minus this workstation's: ${offsetMs} ms`,
  };
}

/** What the sync reports, and the clock it reads. */
export interface SuppressionSyncOptions {
  /** Own changes that lost against a newer change of another workstation (a note for the operator). */
  readonly onSuperseded?: (changes: readonly SuppressionChange[]) => Promise<void>;
  /**
   * This workstation's clock is {@link CLOCK_WARNING_MS} or more off the team database's
   * (`offsetMs`: team minus workstation). Told once per sync, and again when the offset moved by
   * that much; checked at the first sync and at every push.
   */
  readonly onClockOff?: (offsetMs: number) => Promise<void>;
  /** This workstation's clock, epoch ms (the suppression list's; tests skew it). */
  readonly now?: () => number;
}

/** What one sync did. */
export interface SuppressionSyncResult {
  readonly pushed: number;
  readonly pulled: number;
  /** Own changes that lost against a newer change of another workstation (kept in the team database). */
  readonly superseded: readonly SuppressionChange[];
}

/** Keeps this data file's suppression list and the team's shared one the same. */
export interface SuppressionSync {
  /** One sync (push the outbox, then pull what changed); starts after any sync already running. Throws TEAM_UNAVAILABLE when the database cannot be reached. */
  sync(): Promise<SuppressionSyncResult>;
  /** A sync soon, in the background (after a local change, or a notice); failures wait for the next pass. */
  soon(): void;
  /** Starts listening for other workstations' changes (once; idempotent). */
  watch(): Promise<void>;
  /** Stops listening and waits for a running sync. */
  close(): Promise<void>;
}

/**
 * Team mode's suppression list. The local table stays the working copy every validation reads
 * (fast, works offline); every local change also lands in `suppression_outbox`. A sync pushes the
 * outbox in one batch, then pulls the shared list's changes since this file's cursor and applies
 * them in one transaction, so a change made while the database was away is pushed later and never
 * lost. Conflicts are settled on the server: per address the latest change wins, on the team
 * database's time (team-suppression.ts). The outbox keeps the times as this workstation stamped
 * them; the push corrects them by the clock offset it measures.
 */
export function createSuppressionSync(db: Database, team: SuppressionTeam, options: SuppressionSyncOptions = {}): SuppressionSync {
  const { onSuperseded, onClockOff, now = Date.now } = options;
  let running: Promise<SuppressionSyncResult> | undefined;
  let next: Promise<SuppressionSyncResult> | undefined;
  let stopWatch: (() => Promise<void>) | undefined;
  let watching: Promise<void> | undefined;
  let closed = false;
  let clockChecked = false;
  let toldOffset: number | undefined;

  // Only a note for the operator: a failing log does not fail the sync.
  const checkClock = async (clock: TeamClockReading | undefined) => {
    if (!clock) return;
    clockChecked = true;
    if (Math.abs(clock.offsetMs) < CLOCK_WARNING_MS) return void (toldOffset = undefined);
    if (toldOffset !== undefined && Math.abs(clock.offsetMs - toldOffset) < CLOCK_WARNING_MS) return;
    toldOffset = clock.offsetMs;
    await onClockOff?.(clock.offsetMs).catch(() => undefined);
  };

  const once = async (): Promise<SuppressionSyncResult> => {
    // At connect: the operator hears of a wrong clock before any change depends on it.
    if (!clockChecked) await checkClock(await team.measureClock(now));
    let cursor = await readCursor(db, team.target);
    if (cursor === undefined) {
      // First sync with this team database: everything this file knows is offered to it. The
      // times of the list are this workstation's (`added_at` is when it was added here), the
      // tombstones' too unless a team member made them.
      await db.transaction(async (tx) => {
        await tx.run(`INSERT OR IGNORE INTO suppression_outbox SELECT email, false, reason, source, date_trunc('millisecond', added_at), true FROM suppression`);
        await tx.run(`INSERT OR IGNORE INTO suppression_outbox SELECT email, true, reason, '', date_trunc('millisecond', removed_at), removed_by = '' FROM suppression_removed`);
        await tx.run('INSERT INTO suppression_team_cursor VALUES ($1, 0)', [team.target]);
      });
      cursor = 0;
    }
    let pushed = 0;
    const superseded: SuppressionChange[] = [];
    for (;;) {
      const outbox = (
        await db.all<{ email: string; removed: boolean; reason: string; source: string; changed_at: Date; workstation_clock: boolean | null }>(
          `SELECT * FROM suppression_outbox ORDER BY changed_at, email LIMIT ${PUSH_PAGE}`,
        )
      ).map((r) => ({ email: r.email, removed: r.removed, reason: r.reason, source: r.source, changedAt: r.changed_at, workstationClock: r.workstation_clock === true }));
      if (outbox.length === 0) break;
      const result = await team.pushSuppression(outbox, db.epoch, now);
      superseded.push(...result.superseded);
      await checkClock(result.clock);
      const offsetMs = result.clock?.offsetMs ?? 0;
      const ownRemovals = offsetMs === 0 ? [] : outbox.filter((c) => c.removed && c.workstationClock);
      await db.transaction(async (tx) => {
        // Confirmed: gone from the outbox, unless the address changed again meanwhile (that change goes next time).
        await tx.run(
          `DELETE FROM suppression_outbox o USING (${FROM_JSON_ROWS('email', 'removed', 'changed_at')}) p
           WHERE o.email = p.email AND o.removed = p.removed AND o.changed_at = p.changed_at`,
          [JSON.stringify(outbox.map((c) => ({ email: c.email, removed: c.removed, changed_at: c.changedAt.toISOString() })))],
        );
        // This workstation's removals stand here against unsubscribes from the mailing server's
        // files (SuppressionList.add compares the times): from now on on the team's time, as the
        // team holds them, so a later unsubscribe is not held back by a clock that runs fast.
        if (ownRemovals.length > 0) {
          await tx.run(
            `UPDATE suppression_removed r SET removed_at = p.happened_at FROM (${FROM_JSON_ROWS('email', 'changed_at', 'happened_at')}) p
             WHERE r.email = p.email AND r.removed_at = p.changed_at AND r.removed_by = ''`,
            [JSON.stringify(ownRemovals.map((c) => ({ email: c.email, changed_at: c.changedAt.toISOString(), happened_at: new Date(c.changedAt.getTime() + offsetMs).toISOString() })))],
          );
        }
      });
      pushed += outbox.length;
      if (outbox.length < PUSH_PAGE) break;
    }
    let pulled = 0;
    for (;;) {
      const changes = await team.pullSuppression(cursor);
      if (changes.length === 0) break;
      const seq = changes.at(-1)!.seq;
      // The changes this opening of the data file pushed are in it already. Not so this
      // workstation's changes from another epoch: a file restored from a backup, made anew or
      // copied to a second machine lacks (some of) them, so they come in like anyone's.
      const rows = changes
        .filter((c) => c.epoch !== db.epoch)
        .map((c) => ({ email: c.email, removed: c.removed, reason: c.reason, source: c.source, changed_at: c.changedAt.toISOString(), by_name: c.by === team.workstation ? '' : c.byName }));
      await db.transaction(async (tx) => {
        await tx.run(
          // An address changed here meanwhile keeps its change: the next push settles it (and if it loses, the winner comes back with a new sequence).
          `CREATE OR REPLACE TEMP TABLE suppression_pulled AS SELECT * FROM (${FROM_JSON_ROWS('email', 'removed', 'reason', 'source', 'changed_at', 'by_name')}) p
           WHERE p.email NOT IN (SELECT email FROM suppression_outbox)`,
          [JSON.stringify(rows)],
        );
        await tx.run('DELETE FROM suppression WHERE email IN (SELECT email FROM suppression_pulled WHERE removed)');
        await tx.run('DELETE FROM suppression_removed WHERE email IN (SELECT email FROM suppression_pulled WHERE NOT removed)');
        await tx.run('INSERT OR REPLACE INTO suppression_removed SELECT email, reason, changed_at, by_name FROM suppression_pulled WHERE removed');
        await tx.run('INSERT OR REPLACE INTO suppression SELECT email, reason, source, changed_at FROM suppression_pulled WHERE NOT removed');
        await tx.run('UPDATE suppression_team_cursor SET seq = $2 WHERE target = $1', [team.target, seq]);
        await tx.run('DROP TABLE suppression_pulled');
      });
      cursor = seq;
      pulled += changes.length;
    }
    // Only a note for the operator: the list itself is already right, so a failing log does not fail the sync.
    if (superseded.length > 0) await onSuperseded?.(superseded).catch(() => undefined);
    return { pushed, pulled, superseded };
  };

  const sync = (): Promise<SuppressionSyncResult> => {
    if (closed) return Promise.resolve({ pushed: 0, pulled: 0, superseded: [] });
    if (!running) {
      running = once().finally(() => (running = undefined));
      return running;
    }
    // One is running: it may have read the outbox or the list before the caller's change, so one more follows it (shared by all who ask meanwhile).
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return sync();
      });
    return next;
  };

  return {
    sync,
    soon() {
      void sync().catch(() => undefined);
    },
    watch() {
      watching ??= team
        .watchSuppression(() => void sync().catch(() => undefined))
        .then((stop) => {
          stopWatch = stop;
        })
        .catch(() => {
          watching = undefined;
        });
      return watching;
    },
    async close() {
      closed = true;
      await watching;
      await stopWatch?.();
      await next?.catch(() => undefined);
      await running?.catch(() => undefined);
    },
  };
}

async function readCursor(db: Database, target: string): Promise<number | undefined> {
  const row = (await db.all<{ seq: bigint }>('SELECT seq FROM suppression_team_cursor WHERE target = $1', [target]))[0];
  return row === undefined ? undefined : Number(row.seq);
}
