import type { Database } from '../store/database';
import type { TeamActivityInput, TeamActivityNotice, TeamActivityRow, TeamStore } from '../team/team-store';

/** Entries pushed per statement: a burst goes in a few round trips, each well under PostgreSQL's parameter and NOTIFY limits. */
export const TEAM_ACTIVITY_BATCH = 500;
/** How long a new entry waits for the ones right behind it, so a burst becomes one batch. */
const GATHER_MS = 25;
/** Retry after the team database failed: 1 s, doubling, at most this. */
const MAX_RETRY_MS = 10_000;
/**
 * At most this many of another workstation's newest entries per notice are shown live: a
 * workstation catching up on a long backlog must not flood every open Activity screen (the
 * list has them all).
 */
const LIVE_CAP = 200;
/** How long closing waits for a last push (an unreachable database must not hold the app's exit up). */
const CLOSE_WAIT_MS = 2_000;

/** The local log's row, as the activity service reads it. */
export interface LocalActivityRow {
  id: bigint;
  occurred_at: Date;
  level: TeamActivityRow['level'];
  kind: string;
  profile: string | null;
  message: string;
  message_id: string | null;
  message_values: string | null;
  details: string | null;
  /** The data file opening that wrote it (Database.epoch); '' for entries from before epochs. */
  epoch: string;
}

/** Keeps the team database's copy of this workstation's activity log current and hears the others'. */
export interface TeamActivitySync {
  /** A new local entry: push it (with whatever follows within a few milliseconds) soon. */
  kick(): void;
  /** Pushes every entry the team lacks now; true when all went (false: the team database is away, a retry is scheduled). */
  flush(): Promise<boolean>;
  /** Retention: removes this workstation's team entries older than `before` (done again at the next retention when the database is away). */
  purge(before: Date): Promise<void>;
  /** Pushes what an earlier run left unpushed and starts listening to the other workstations. */
  start(): void;
  /** Stops listening and retrying, after one last bounded push. */
  stop(): Promise<void>;
}

/**
 * The local log is the working copy (fast, offline); the team database gets a copy of each
 * entry keyed by workstation, log epoch and local id. Local ids only grow within one history of
 * the data file, but a restored backup, a file made anew or a copy on a second machine starts
 * them again; each opening of the file writes under an epoch of its own (Database.epoch), so no
 * entry's key is ever an older entry's. The push cursor is kept per epoch: what the team lacks is
 * exactly the local entries with an id above the newest one the team has of their epoch (pushes
 * go in id order), so nothing needs marking locally: an entry written while the database is away
 * is pushed at the next successful push, and one pushed twice (a reply lost after the commit) is
 * written once. Pushes are batched and run one at a time.
 */
export function createTeamActivitySync(deps: { readonly db: Database; readonly team: TeamStore; readonly others: (rows: TeamActivityRow[]) => void }): TeamActivitySync {
  const { db, team } = deps;
  /** Per epoch, the newest local id the team is known to have; re-read after any failure. */
  let marks: Map<string, number> | undefined;
  /** Every local entry up to this id is known to be in the team, so a push reads only past it. */
  let floor = 0;
  /**
   * The log epochs this data file holds entries of: this workstation's notices about them are old
   * news here. Read from the local log alone, so a notice is judged by it even while the first
   * push still waits for the team database (a copy's entries must not be taken for old news).
   */
  let held: Promise<Set<string>> | undefined;
  const heldEpochs = () =>
    (held ??= db.all<{ epoch: string }>('SELECT DISTINCT epoch FROM activity').then(
      (rows) => new Set([db.epoch, ...rows.map((r) => r.epoch)]),
      (error: unknown) => {
        held = undefined;
        throw error;
      },
    ));
  let chain: Promise<boolean> = Promise.resolve(true);
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let stopped = false;
  let stopListening: (() => Promise<void>) | undefined;
  let listening: Promise<void> | undefined;

  const pushAll = async () => {
    if (marks === undefined) {
      marks = await team.pushedActivity();
      floor = 0;
    }
    /** The newest epoch pushed and its range, for the notice. */
    let newest: { epoch: string; from: number; to: number } | undefined;
    for (;;) {
      const cursor = JSON.stringify([...marks].map(([epoch, last]) => ({ epoch, last })));
      const rows: LocalActivityRow[] = await db.all<LocalActivityRow>(
        `SELECT a.* FROM activity a LEFT JOIN (SELECT unnest(from_json($1, '[{"epoch":"VARCHAR","last":"BIGINT"}]'), recursive := true)) m ON m.epoch = a.epoch
         WHERE a.id > $2 AND a.id > coalesce(m.last, 0) ORDER BY a.id LIMIT $3`,
        [cursor, floor, TEAM_ACTIVITY_BATCH],
      );
      if (rows.length === 0) break;
      await team.pushActivity(rows.map(toInput));
      // The missing entries come in id order: every one up to the last of this batch is in now.
      floor = Number(rows.at(-1)!.id);
      for (const r of rows) {
        const id = Number(r.id);
        marks.set(r.epoch, Math.max(marks.get(r.epoch) ?? 0, id));
        newest = newest?.epoch === r.epoch ? { ...newest, to: id } : { epoch: r.epoch, from: id, to: id };
      }
      if (rows.length < TEAM_ACTIVITY_BATCH) break;
    }
    // One notice for the whole push, of its newest epoch (entries of earlier openings, pushed late,
    // are history: the others' lists show them); should it fail, the entries are in all the same.
    if (newest) await team.announceActivity(newest.epoch, newest.from, newest.to).catch(() => undefined);
  };

  const schedule = (ms: number) => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
      listen();
    }, ms);
    timer.unref();
  };

  const flush = (): Promise<boolean> => {
    chain = chain.then(async () => {
      try {
        await pushAll();
        failures = 0;
        return true;
      } catch {
        marks = undefined;
        failures++;
        schedule(Math.min(MAX_RETRY_MS, 1_000 * 2 ** Math.min(failures - 1, 4)));
        return false;
      }
    });
    return chain;
  };

  const onNotice = (notice: TeamActivityNotice) => {
    // This workstation's own entries are in its log; not so those of a copy of its data file
    // running elsewhere under the same workstation id (another epoch), which are shown like others'.
    const own = notice.workstation === team.workstation ? heldEpochs().then((epochs) => epochs.has(notice.epoch)) : Promise.resolve(false);
    own
      .then((isOwn) => (isOwn ? [] : team.activityOf(notice.workstation, notice.epoch, notice.from, notice.to, LIVE_CAP)))
      .then(
        (rows) => rows.length && deps.others(rows),
        () => undefined,
      );
  };

  /** Listens once the team database answers; tried again with each retry until it does. */
  const listen = () => {
    if (stopped || stopListening || listening) return;
    listening = team
      .watchActivity(onNotice)
      .then(
        async (stop) => {
          if (stopped) await stop();
          else stopListening = stop;
        },
        () => schedule(Math.min(MAX_RETRY_MS, 1_000 * 2 ** Math.min(failures, 4))),
      )
      .finally(() => (listening = undefined));
  };

  return {
    kick: () => schedule(GATHER_MS),
    flush,
    async purge(before) {
      await (chain = chain.then(() => team.purgeActivity(before).then(() => true, () => false)));
    },
    start() {
      void heldEpochs().catch(() => undefined);
      void flush();
      listen();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await Promise.race([flush(), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
      stopped = true;
      if (timer) clearTimeout(timer);
      // A watch still connecting stops itself when it is made (see `listen`).
      await stopListening?.();
    },
  };
}

function toInput(r: LocalActivityRow): TeamActivityInput {
  return {
    epoch: r.epoch,
    localId: Number(r.id),
    at: r.occurred_at,
    level: r.level,
    kind: r.kind,
    profile: r.profile,
    message: r.message,
    messageId: r.message_id,
    messageValues: r.message_values ? (JSON.parse(r.message_values) as Record<string, string | number>) : null,
    details: r.details,
  };
}
