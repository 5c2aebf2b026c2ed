import type { Database } from '../store/database';
import type { TeamActivityInput, TeamActivityRow, TeamStore } from '../team/team-store';

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
 * entry keyed by workstation and local id. What the team lacks is exactly the local entries with
 * an id above the newest one the team has from this workstation (local ids only grow: one
 * connection writes the data file), so nothing needs marking locally: an entry written while the
 * database is away is pushed at the next successful push, and one pushed twice (a reply lost
 * after the commit) is written once. Pushes are batched and run one at a time.
 */
export function createTeamActivitySync(deps: { readonly db: Database; readonly team: TeamStore; readonly others: (rows: TeamActivityRow[]) => void }): TeamActivitySync {
  const { db, team } = deps;
  /** Newest local id the team is known to have; re-read after any failure. */
  let mark: number | undefined;
  let chain: Promise<boolean> = Promise.resolve(true);
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let stopped = false;
  let stopListening: (() => Promise<void>) | undefined;
  let listening: Promise<void> | undefined;

  const pushAll = async () => {
    if (mark === undefined) mark = await team.lastPushedActivity();
    let first: number | undefined;
    for (;;) {
      const rows: LocalActivityRow[] = await db.all<LocalActivityRow>('SELECT * FROM activity WHERE id > $1 ORDER BY id LIMIT $2', [mark, TEAM_ACTIVITY_BATCH]);
      if (rows.length === 0) break;
      await team.pushActivity(rows.map(toInput));
      first ??= Number(rows[0].id);
      mark = Number(rows.at(-1)!.id);
    }
    // One notice for the whole push; should it fail, the entries are in and the others' next list shows them.
    if (first !== undefined) await team.announceActivity(first, mark).catch(() => undefined);
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
        mark = undefined;
        failures++;
        schedule(Math.min(MAX_RETRY_MS, 1_000 * 2 ** Math.min(failures - 1, 4)));
        return false;
      }
    });
    return chain;
  };

  const onNotice = (notice: { workstation: string; from: number; to: number }) => {
    if (notice.workstation === team.workstation) return;
    team.activityOf(notice.workstation, notice.from, notice.to, LIVE_CAP).then(
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
