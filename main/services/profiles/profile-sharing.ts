import { AppError, isAppErrorOf } from '../../../shared/contract/result';
import type { LogActivity } from '../activity/activity-service';
import type { Settings } from '../store/settings';
import type { TeamProfileRow, TeamStore } from '../team/team-store';
import { withinTeamWait } from '../team/team-wait';
import type { ProfileConflict } from '../../../shared/contract/profiles';
import type { RemovedEntry, RemovedProfiles } from './removed-profiles';
import { setupDifferences } from './setup-differences';
import { SharedSetup, sharedSetupOf, withSharedSetup } from './shared-setup';
import type { StoredProfile } from './stored-profile';

/** Settings key of removals of shared profiles made while the team database was away. */
const PENDING_REMOVALS = 'teamProfileRemovals';
/** How long a read waits for the first pull before it answers from this workstation's copy. */
const FIRST_PULL_WAIT_MS = 1_500;

/** What sharing needs of the team store. */
export type TeamProfilesPort = Pick<TeamStore, 'profiles' | 'putProfile' | 'watchProfiles' | 'workstation' | 'workstationName'>;

/** What the profiles service hands to sharing. */
export interface ProfileSharingDeps {
  /** Undefined outside team mode: nothing is shared and every call here is a no-op. */
  readonly team: TeamProfilesPort | undefined;
  readonly settings: Settings;
  readAll(): StoredProfile[];
  writeAll(profiles: readonly StoredProfile[]): void;
  /** "Recently removed": a profile the team removed goes there with this workstation's secret, and comes back from there when restored. */
  readonly removed: RemovedProfiles;
  readonly log: LogActivity;
  /** Tells the screens which profiles changed through the team. */
  changed(names: readonly string[]): void;
  /** How often pending changes are retried while the team database is away (tests shorten it). */
  readonly retryMs?: number;
}

type TeamInfo = NonNullable<StoredProfile['team']>;

/**
 * Shared profiles (#16): the settings file stays the working copy every service reads; the team
 * database is the shared source of the profiles marked shared. A change is pushed at once with
 * the team version it started from (a stale one is refused: no silent lost update); with the
 * database away it is kept here as `pending` and pushed when the database answers (the LISTEN
 * connection coming back, or the retry timer). Pulls (start, every NOTIFY, every reconnect) bring
 * the others' changes and removals in, never touching this workstation's login or secrets.
 */
export function createProfileSharing(deps: ProfileSharingDeps) {
  const team = deps.team;
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs `work` after every profile change before it, so a pull never writes over a save in flight. */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const find = (name: string) => deps.readAll().find((p) => p.name === name);
  /** Writes one profile (or removes it, `next` undefined) into the current file. */
  const put = (name: string, next: StoredProfile | undefined) => {
    const all = deps.readAll();
    const rest = all.filter((p) => p.name !== name);
    if (!next) return deps.writeAll(rest);
    deps.writeAll(all.some((p) => p.name === name) ? all.map((p) => (p.name === name ? next : p)) : [...all, next]);
  };
  const removals = () => deps.settings.get<{ name: string; version: number }[]>(PENDING_REMOVALS) ?? [];

  const conflict = (name: string, current: TeamProfileRow, base: number | null): AppError => {
    const details = { profile: name, teamVersion: current.version, by: current.updatedByName, removed: current.removed };
    if (current.removed) return new AppError('CONFLICT', 'error.profiles.removedByOther', { name, by: current.updatedByName }, details);
    if (base === null) return new AppError('CONFLICT', 'error.profiles.teamHasName', { name, by: current.updatedByName }, details);
    return new AppError('CONFLICT', 'error.profiles.changedByOther', { name, by: current.updatedByName }, details);
  };
  /** The team's row of a profile (a removal marker included); NOT_FOUND when the team never had it. */
  const teamRow = async (name: string): Promise<TeamProfileRow> => {
    if (!team) throw new AppError('FORBIDDEN', 'error.profiles.shareNeedsTeam', { name });
    const row = (await team.profiles()).find((r) => r.name === name);
    if (!row) throw new AppError('NOT_FOUND', 'error.profiles.goneFromTeam', { name });
    return row;
  };
  const reasonOf = (e: unknown) => ({ reason: e instanceof Error ? e.message : String(e) });

  /**
   * Sends a profile's set-up to the team, based on version `base`. Returns the team facts to keep
   * with it: shared at the new version, or pending when the database is away (logged). Another
   * member's newer change (or removal) is refused with CONFLICT, before anything is written here.
   */
  const push = async (p: Pick<StoredProfile, 'name' | 'host' | 'port' | 'user' | 'auth' | 'trustedKeys' | 'options' | 'clients'>, base: number | null): Promise<TeamInfo> => {
    if (!team) throw new Error('push outside team mode');
    try {
      const r = await team.putProfile(p.name, sharedSetupOf(p), base);
      if (!r.ok) throw conflict(p.name, r.current, base);
      return { version: r.version, state: 'shared', changedBy: team.workstationName };
    } catch (e) {
      if (!isAppErrorOf(e, 'TEAM_UNAVAILABLE')) throw e;
      await deps.log({ level: 'warn', kind: 'profile', profile: p.name, messageId: 'connections.activity.notSharedYet', values: reasonOf(e) });
      return { version: base, state: 'pending', changedBy: find(p.name)?.team?.changedBy ?? null };
    }
  };

  /** Takes the team's row into this workstation's copy (a pull of one profile). */
  const take = (row: TeamProfileRow, local: StoredProfile | undefined): StoredProfile =>
    withSharedSetup(local, row.name, row.setup, { version: row.version, state: 'shared', changedBy: row.updatedByName });

  /** Pushes what was changed or removed here while the database was away; stops at the first unreachable answer. */
  const pushPending = async (changed: string[]) => {
    if (!team) return;
    for (const removal of removals()) {
      const r = await team.putProfile(removal.name, null, removal.version);
      deps.settings.set(
        PENDING_REMOVALS,
        removals().filter((x) => x.name !== removal.name),
      );
      const waiting = deps.removed.waiting(removal.name);
      if (r.ok) {
        // In "Recently removed" under the team's marker now, so a restore anywhere brings it back here too.
        if (waiting) deps.removed.marked(waiting.id, r.version);
        continue;
      }
      // Another member changed it after the version removed here: their change wins, the profile
      // comes back (with this workstation's secret), and the pull below brings their version.
      if (waiting && !find(removal.name)) {
        put(removal.name, await deps.removed.takeBack(waiting));
        changed.push(removal.name);
      }
      await deps.log({ level: 'warn', kind: 'profile', profile: removal.name, messageId: 'connections.activity.removalNotShared', values: { by: r.current.updatedByName } });
    }
    for (const p of deps.readAll()) {
      if (p.team?.state !== 'pending') continue;
      const r = await team.putProfile(p.name, sharedSetupOf(p), p.team.version);
      if (r.ok) {
        put(p.name, { ...p, team: { version: r.version, state: 'shared', changedBy: team.workstationName } });
        await deps.log({ level: 'info', kind: 'profile', profile: p.name, messageId: 'connections.activity.sharedLater', values: { version: r.version } });
      } else {
        // Kept as it is, never dropped: the card names who changed it until the operator keeps theirs or takes the team's.
        put(p.name, { ...p, team: { ...p.team, state: 'conflict', changedBy: r.current.updatedByName } });
        await deps.log({ level: 'warn', kind: 'profile', profile: p.name, messageId: 'connections.activity.shareConflict', values: { by: r.current.updatedByName } });
      }
      changed.push(p.name);
    }
  };

  /** Brings the team's changes and removals into this workstation's copies. */
  const pull = async (changed: string[]) => {
    if (!team) return;
    const rows = await team.profiles();
    const removedHere = new Set(removals().map((r) => r.name));
    for (const row of rows) {
      const local = find(row.name);
      // Only copies that follow the team move: a local profile of the same name, or one with
      // changes not shared yet (pending, conflict), stays as it is.
      const follows = local?.team?.state === 'shared' && (local.team.version ?? 0) < row.version;
      if (row.removed) {
        if (!follows || !local) continue;
        // Into "Recently removed" with this workstation's own secret, until restored (anywhere) or purged.
        put(row.name, undefined);
        await deps.removed.keep(local, { by: row.updatedByName, here: false, at: row.updatedAt.getTime(), markerVersion: row.version });
        await deps.log({ level: 'info', kind: 'profile', profile: row.name, messageId: 'connections.activity.removedByTeam', values: { by: row.updatedByName } });
      } else if (!local && !removedHere.has(row.name)) {
        // Restored over a removal this workstation kept: its copy and its own secret come back.
        const kept = row.restoredFrom === null ? undefined : deps.removed.byMarker(row.name, row.restoredFrom);
        put(row.name, take(row, kept && (await deps.removed.takeBack(kept))));
        await deps.log(
          kept
            ? { level: 'info', kind: 'profile', profile: row.name, messageId: 'connections.activity.restoredByTeam', values: { by: row.updatedByName } }
            : { level: 'info', kind: 'profile', profile: row.name, messageId: 'connections.activity.updatedByTeam', values: { version: row.version, by: row.updatedByName } },
        );
      } else if (follows) {
        put(row.name, take(row, local));
        await deps.log({ level: 'info', kind: 'profile', profile: row.name, messageId: 'connections.activity.updatedByTeam', values: { version: row.version, by: row.updatedByName } });
      } else continue;
      changed.push(row.name);
    }
  };

  /** One round: push what waits, then pull. Throws TEAM_UNAVAILABLE when the database is away. */
  const sync = () =>
    exclusive(async () => {
      const changed: string[] = [];
      try {
        await pushPending(changed);
        await pull(changed);
      } finally {
        if (changed.length > 0) deps.changed(changed);
      }
    });

  let firstPull: Promise<void> | undefined;
  let queued = false;
  /** A sync soon, once (NOTIFYs in a burst make one). */
  const kick = () => {
    if (queued) return;
    queued = true;
    void exclusive(async () => {
      queued = false;
    })
      .then(sync)
      .catch(() => undefined);
  };

  let stopWatch: (() => Promise<void>) | undefined;
  let watchRetry: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const watch = async () => {
    if (!team || stopped) return;
    try {
      const stop = await team.watchProfiles((notice) => {
        if (notice.workstation !== team.workstation) kick();
      }, kick);
      if (stopped) await stop();
      else stopWatch = stop;
    } catch {
      // The database is away (the lazy store could not connect): try again.
      watchRetry = setTimeout(() => void watch(), deps.retryMs ?? 5_000);
      watchRetry.unref?.();
    }
  };

  return {
    exclusive,
    /** True in team mode. */
    enabled: team !== undefined,
    /** The team facts of a profile as the contract shows them; null outside team mode. */
    view(p: StoredProfile) {
      if (!team) return null;
      if (!p.team) return { shared: false, version: null, state: 'local' as const, changedBy: null };
      return { shared: true, version: p.team.version, state: p.team.state, changedBy: p.team.changedBy };
    },
    /**
     * Waits (briefly) for the first pull, so a command or screen opened right after the start
     * already shows the team's profiles; an away database answers from this workstation's copy.
     */
    async ready() {
      if (!team) return;
      firstPull ??= sync().catch(() => undefined);
      await withinTeamWait(firstPull, FIRST_PULL_WAIT_MS);
    },
    /** Hears the others' changes within a second (LISTEN/NOTIFY) and retries what waits; long-running hosts call it. */
    async start() {
      if (!team || stopWatch || watchRetry) return;
      stopped = false;
      retryTimer = setInterval(() => {
        if (removals().length > 0 || deps.readAll().some((p) => p.team?.state === 'pending')) kick();
      }, deps.retryMs ?? 5_000);
      retryTimer.unref?.();
      await watch();
    },
    async stop() {
      stopped = true;
      if (watchRetry) clearTimeout(watchRetry);
      if (retryTimer) clearInterval(retryTimer);
      watchRetry = retryTimer = undefined;
      await stopWatch?.();
      stopWatch = undefined;
      await queue;
    },
    /** Pushes what waits and pulls the team's changes now. */
    sync,
    /**
     * The team facts of a profile being saved with this set-up: shared (pushed now), pending
     * (database away), or undefined (not shared). Refuses with CONFLICT when the edit started
     * from an older version than the team's (or this copy's, which already has a newer one).
     */
    async onSave(
      next: Pick<StoredProfile, 'name' | 'host' | 'port' | 'user' | 'auth' | 'trustedKeys' | 'options' | 'clients' | 'sandbox'>,
      existing: StoredProfile | undefined,
      share: boolean | undefined,
      baseVersion: number | null | undefined,
    ): Promise<TeamInfo | undefined> {
      // An operator in a team expects a new profile to reach the colleagues who send for the same
      // clients: the team's send lock and file names are keyed by profile name, so shared names keep
      // them consistent. The sandbox is each workstation's own and never shared.
      const wanted = !next.sandbox && (share ?? (existing ? existing.team !== undefined : team !== undefined));
      if (!wanted) return undefined;
      if (!team) {
        if (share) throw new AppError('FORBIDDEN', 'error.profiles.shareNeedsTeam', { name: next.name });
        // Out of the team now (`team leave`): the change waits, and is offered to the team on rejoining.
        return existing?.team && { ...existing.team, state: existing.team.state === 'conflict' ? 'conflict' : 'pending' };
      }
      const mine = existing?.team;
      const base = baseVersion !== undefined ? baseVersion : (mine?.version ?? null);
      if (mine && mine.version !== null && (base === null || base < mine.version)) {
        // This copy already took a newer version from the team than the edit started from.
        throw new AppError('CONFLICT', 'error.profiles.changedByOther', { name: next.name, by: mine.changedBy ?? '?' }, { profile: next.name, teamVersion: mine.version, by: mine.changedBy ?? '?', removed: false });
      }
      return push(next, base);
    },
    /**
     * Applies a change to a shared profile as a function of its current set-up (a source mailing
     * added, a host key trusted): when another member changed it meanwhile, their version is taken
     * and the same change applied to it, so both changes survive.
     */
    async change(name: string, change: (p: StoredProfile) => StoredProfile): Promise<StoredProfile> {
      for (let attempt = 0; ; attempt++) {
        const p = find(name);
        if (!p) throw new AppError('NOT_FOUND', 'error.profiles.notFound', { name });
        const next = change(p);
        if (!team || !p.team || p.team.state !== 'shared') {
          // Not in step with the team (database away, a conflict, or out of the team now): the change waits here.
          const kept = p.team && { ...p.team, state: p.team.state === 'conflict' ? ('conflict' as const) : ('pending' as const) };
          put(name, { ...next, team: kept });
          return { ...next, team: kept };
        }
        let r;
        try {
          r = await team.putProfile(name, sharedSetupOf(next), p.team.version);
        } catch (e) {
          if (!isAppErrorOf(e, 'TEAM_UNAVAILABLE')) throw e;
          await deps.log({ level: 'warn', kind: 'profile', profile: name, messageId: 'connections.activity.notSharedYet', values: reasonOf(e) });
          const saved = { ...next, team: { ...p.team, state: 'pending' as const } };
          put(name, saved);
          return saved;
        }
        if (r.ok) {
          const saved = { ...next, team: { version: r.version, state: 'shared' as const, changedBy: team.workstationName } };
          put(name, saved);
          return saved;
        }
        if (r.current.removed || attempt >= 2) throw conflict(name, r.current, p.team.version);
        put(name, take(r.current, p));
        deps.changed([name]);
      }
    },
    /**
     * Removes a profile's team copy (before it goes here); refused when another member changed it
     * since. Returns the removal marker's version; null when not shared or the database is away.
     */
    async onRemove(p: StoredProfile): Promise<number | null> {
      if (!team || !p.team || p.team.version === null) return null;
      try {
        const r = await team.putProfile(p.name, null, p.team.version);
        if (!r.ok) throw conflict(p.name, r.current, p.team.version);
        return r.version;
      } catch (e) {
        if (!isAppErrorOf(e, 'TEAM_UNAVAILABLE')) throw e;
        // Kept as a marker here and sent when the database answers; the local copy goes now.
        deps.settings.set(PENDING_REMOVALS, [...removals().filter((x) => x.name !== p.name), { name: p.name, version: p.team.version }]);
        return null;
      }
    },
    /**
     * The team facts of a removed profile being restored (inside `exclusive`, before it is put
     * back here). A removal still waiting for the database is simply dropped; a shared one is
     * restored over the team's removal marker as a new version (every workstation that kept it
     * takes it back). Refused with CONFLICT when the team has a newer profile of that name.
     * Throws TEAM_UNAVAILABLE with the database away (nothing changes then).
     */
    async onRestore(entry: RemovedEntry): Promise<TeamInfo | undefined> {
      const p = entry.profile;
      if (!p.team) return undefined;
      if (removals().some((x) => x.name === p.name) && entry.markerVersion === null) {
        deps.settings.set(
          PENDING_REMOVALS,
          removals().filter((x) => x.name !== p.name),
        );
        return p.team;
      }
      // Out of the team now (`team leave`): it comes back here and is offered to the team on rejoining.
      if (!team) return { ...p.team, state: p.team.state === 'conflict' ? 'conflict' : 'pending' };
      const row = (await team.profiles()).find((r) => r.name === p.name);
      if (!row) return push(p, null);
      const newer = (current: TeamProfileRow) =>
        new AppError('CONFLICT', 'error.profiles.restoreNewer', { name: p.name, by: current.updatedByName }, { profile: p.name, teamVersion: current.version, by: current.updatedByName, removed: false });
      if (!row.removed) throw newer(row);
      const r = await team.putProfile(p.name, sharedSetupOf(p), row.version, row.version);
      if (!r.ok) throw r.current.removed ? conflict(p.name, r.current, row.version) : newer(r.current);
      return { version: r.version, state: 'shared', changedBy: team.workstationName };
    },
    /** Shares a profile that was this workstation's own; a name the team already shares is refused. */
    async share(p: StoredProfile): Promise<StoredProfile> {
      if (!team) throw new AppError('FORBIDDEN', 'error.profiles.shareNeedsTeam', { name: p.name });
      if (p.sandbox) throw new AppError('INVALID_INPUT', 'error.profiles.sandboxNotShared');
      if (p.team) return p;
      const next = { ...p, team: await push(p, null) };
      put(p.name, next);
      await deps.log({ level: 'info', kind: 'profile', profile: p.name, messageId: 'connections.activity.shared' });
      return next;
    },
    /** Stops sharing here: the copy becomes this workstation's own; the team's stays for the others. */
    async unshare(p: StoredProfile): Promise<StoredProfile> {
      if (!team) throw new AppError('FORBIDDEN', 'error.profiles.shareNeedsTeam', { name: p.name });
      const { team: _team, ...rest } = p;
      put(p.name, rest);
      await deps.log({ level: 'info', kind: 'profile', profile: p.name, messageId: 'connections.activity.unshared' });
      return rest;
    },
    /**
     * What differs between `mine` (an edit not saved yet; else this workstation's copy) and the
     * team's newest version of a shared profile, with that version and who made it.
     */
    async conflictOf(name: string, mine: SharedSetup | undefined): Promise<ProfileConflict> {
      const row = await teamRow(name);
      const local = find(name);
      if (!mine && !local) throw new AppError('NOT_FOUND', 'error.profiles.notFound', { name });
      const setup = mine ?? sharedSetupOf(local!);
      return {
        name,
        teamVersion: row.version,
        by: row.updatedByName,
        at: row.updatedAt.toISOString(),
        removed: row.removed,
        differences: row.removed ? [] : setupDifferences(setup, SharedSetup.parse(row.setup)),
      };
    },
    /**
     * "Keep mine", first step: the team's row, when it is still at `teamVersion` (the version the
     * operator compared with), and this workstation's name. Moved again: CONFLICT with the newer
     * one, so it is shown again.
     */
    async stillAt(name: string, teamVersion: number): Promise<{ readonly row: TeamProfileRow; readonly me: string }> {
      const row = await teamRow(name);
      if (row.version !== teamVersion) throw conflict(name, row, teamVersion);
      return { row, me: team?.workstationName ?? '' };
    },
    /**
     * "Keep mine" for this workstation's copy (a change that waited and lost): its set-up replaces
     * the team's version `teamVersion` as a new version, compare-and-set; refused when it moved again.
     */
    async keepMine(p: StoredProfile, teamVersion: number): Promise<StoredProfile> {
      if (!team) throw new AppError('FORBIDDEN', 'error.profiles.shareNeedsTeam', { name: p.name });
      if (!p.team || p.team.state === 'shared') throw new AppError('INVALID_INPUT', 'error.profiles.nothingToResolve', { name: p.name });
      const r = await team.putProfile(p.name, sharedSetupOf(p), teamVersion);
      if (!r.ok) throw conflict(p.name, r.current, teamVersion);
      const next = { ...p, team: { version: r.version, state: 'shared' as const, changedBy: team.workstationName } };
      put(p.name, next);
      return next;
    },
    /** Takes the team's current version of a shared profile, dropping changes not shared from here. */
    async reload(p: StoredProfile): Promise<StoredProfile> {
      if (!team) throw new AppError('FORBIDDEN', 'error.profiles.shareNeedsTeam', { name: p.name });
      const row = (await team.profiles()).find((r) => r.name === p.name);
      if (!row) throw new AppError('NOT_FOUND', 'error.profiles.goneFromTeam', { name: p.name });
      if (row.removed) throw conflict(p.name, row, p.team?.version ?? null);
      const next = take(row, p);
      put(p.name, next);
      await deps.log({ level: 'info', kind: 'profile', profile: p.name, messageId: 'connections.activity.reloaded', values: { version: row.version } });
      return next;
    },
  };
}

/** The sharing of one profiles service. */
export type ProfileSharing = ReturnType<typeof createProfileSharing>;
