import pg from 'pg';
import { isPgError } from './team-errors';
import { listenTeamChannel } from './team-notices';
import type { TeamDb } from './team-pool';
import { TEAM_PROFILES_CHANNEL, type TeamProfileNotice, type TeamProfilePut, type TeamProfileRow } from './team-store-types';

// Shared profiles (#16): the team's copy of each shared profile's non-secret set-up, with a
// version for optimistic concurrency and a removal marker.

const rowOf = (r: Record<string, unknown>): TeamProfileRow => ({
  name: String(r.name),
  setup: (r.setup as Record<string, unknown> | null) ?? null,
  removed: Boolean(r.removed),
  version: Number(r.version),
  updatedBy: String(r.updated_by),
  updatedByName: String(r.updated_by_name),
  updatedAt: r.updated_at as Date,
  restoredFrom: r.restored_from === null || r.restored_from === undefined ? null : Number(r.restored_from),
});

/** Every shared profile of the team, removal markers included. */
export async function teamProfiles(db: TeamDb): Promise<TeamProfileRow[]> {
  return (await db.query<Record<string, unknown>>('SELECT * FROM team_profiles ORDER BY name')).rows.map(rowOf);
}

/**
 * Writes a profile's set-up (or its removal, `setup` null) when the team's row is still at
 * `baseVersion`; a profile the team does not have (or removed) is written when `baseVersion` is
 * null or that removal's version. Anything else is another member's newer change: returned, not
 * overwritten. One transaction with the NOTIFY, which the others hear on commit.
 * `restores`: a restore over the removal marker of that version (each workstation that kept its
 * copy under it takes it back); a new profile over a removal clears the mark, other changes keep it.
 */
export async function putTeamProfile(
  db: TeamDb,
  me: { readonly id: string; readonly name: string },
  name: string,
  setup: Readonly<Record<string, unknown>> | null,
  baseVersion: number | null,
  restores?: number,
): Promise<TeamProfilePut> {
  try {
    return await db.transaction(async (c) => {
      const found = (await c.query<Record<string, unknown>>('SELECT * FROM team_profiles WHERE name = $1 FOR UPDATE', [name])).rows[0];
      const current = found ? rowOf(found) : undefined;
      if (!current) {
        // Removing what the team never had: nothing to do, nothing to announce.
        if (setup === null) return { ok: true, version: baseVersion ?? 0 };
        await c.query('INSERT INTO team_profiles (name, setup, removed, version, updated_by, updated_by_name) VALUES ($1, $2, false, 1, $3, $4)', [name, setup, me.id, me.name]);
        await notifyProfile(c, { name, version: 1, workstation: me.id });
        return { ok: true, version: 1 };
      }
      // Removed already (by anyone): a removal has nothing left to do.
      if (current.removed && setup === null) return { ok: true, version: current.version };
      // A new profile may take the name of a removed one; every other change must start from the team's version.
      const fits = baseVersion === current.version || (current.removed && baseVersion === null);
      if (!fits) return { ok: false, current };
      const version = current.version + 1;
      const restoredFrom = restores ?? (current.removed ? null : current.restoredFrom);
      await c.query('UPDATE team_profiles SET setup = $2, removed = $3, version = $4, updated_by = $5, updated_by_name = $6, updated_at = now(), restored_from = $7 WHERE name = $1', [
        name,
        setup,
        setup === null,
        version,
        me.id,
        me.name,
        restoredFrom,
      ]);
      await notifyProfile(c, { name, version, workstation: me.id });
      return { ok: true, version };
    });
  } catch (e) {
    // Two first shares of one name at the same moment: the later one finds the row taken.
    if (isPgError(e) && e.code === '23505') {
      const current = (await teamProfiles(db)).find((p) => p.name === name);
      if (current) return { ok: false, current };
    }
    throw e;
  }
}

function notifyProfile(c: pg.PoolClient, notice: TeamProfileNotice): Promise<pg.QueryResult> {
  return c.query('SELECT pg_notify($1, $2)', [TEAM_PROFILES_CHANNEL, JSON.stringify(notice)]);
}

/**
 * LISTENs on {@link TEAM_PROFILES_CHANNEL} over its own connection and comes back when it drops;
 * `connected` runs after every (re)connect, so what was missed meanwhile is fetched then.
 */
export function watchTeamProfiles(config: pg.ClientConfig, listener: (notice: TeamProfileNotice) => void, connected?: () => void): Promise<() => Promise<void>> {
  return listenTeamChannel(
    config,
    TEAM_PROFILES_CHANNEL,
    (payload) => {
      if (!payload) return;
      try {
        listener(JSON.parse(payload) as TeamProfileNotice);
      } catch {
        // A payload we cannot read is not ours to act on.
      }
    },
    connected,
  );
}
