import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../shared/contract/result';
import { REMOVED_PROFILE_DAYS, type RemovedProfile } from '../../../shared/contract/profiles';
import type { LogActivity } from '../activity/activity-service';
import type { Settings } from '../store/settings';
import { secretKeys, StoredProfile } from './stored-profile';

/** Settings key of the "Recently removed" list. */
const SETTINGS_KEY = 'removedProfiles';
const DAY_MS = 86_400_000;

/** One removal as the settings file keeps it: the whole profile (never a secret) and who removed it when. */
export const RemovedEntry = z.object({
  id: z.string(),
  profile: StoredProfile,
  /** Epoch ms. */
  removedAt: z.number(),
  removedBy: z.string(),
  removedHere: z.boolean(),
  /**
   * Team mode: the team's version of the removal marker this removal made or took in; null for a
   * profile that was not shared, or a removal still waiting for the team database.
   */
  markerVersion: z.number().int().nullable(),
});
export type RemovedEntry = z.output<typeof RemovedEntry>;

/** Moves secrets between slots of the secret store (and this session's), as the profiles service keeps them. */
export interface SecretSlots {
  /** Moves the secret in `from` to `to`; false when there was none. */
  move(from: string, to: string): Promise<boolean>;
  drop(key: string): Promise<void>;
  /** Whether a secret is in `key` now (a secret kept for this session only is gone after a restart). */
  has(key: string): Promise<boolean>;
}

/** Who removed a profile, when, and (team mode) the removal's marker version. */
export interface Removal {
  readonly by: string;
  readonly here: boolean;
  readonly at: number;
  readonly markerVersion: number | null;
}

/** The slot a removed profile's secret waits in: apart from the live slots, so a new profile of the same name never gets it. */
const keptSlot = (id: string, key: string) => `removed:${id}:${key}`;

/**
 * "Recently removed": a removed profile's set-up stays in the settings file and its secrets stay
 * in the secret store (moved to slots of their own) for {@link REMOVED_PROFILE_DAYS} days, so a
 * removal made by mistake is undone with everything back. Then both are purged, logged.
 */
export function createRemovedProfiles(deps: { readonly settings: Settings; readonly slots: SecretSlots; readonly log: LogActivity; readonly now: () => number }) {
  const read = (): RemovedEntry[] => (deps.settings.get<unknown[]>(SETTINGS_KEY) ?? []).map((e) => RemovedEntry.parse(e));
  const write = (entries: readonly RemovedEntry[]) => deps.settings.set(SETTINGS_KEY, entries);
  const without = (id: string) => write(read().filter((e) => e.id !== id));
  const expiresAt = (e: RemovedEntry) => e.removedAt + REMOVED_PROFILE_DAYS * DAY_MS;

  return {
    /** Every removal kept, newest first. */
    list: (): RemovedEntry[] => read().sort((x, y) => y.removedAt - x.removedAt),
    /** Puts a removed profile on the list and moves its secrets aside. */
    async keep(p: StoredProfile, removal: Removal): Promise<RemovedEntry> {
      const id = randomUUID();
      for (const key of Object.values(secretKeys(p.name))) await deps.slots.move(key, keptSlot(id, key));
      const entry: RemovedEntry = { id, profile: p, removedAt: removal.at, removedBy: removal.by, removedHere: removal.here, markerVersion: removal.markerVersion };
      write([...read(), entry]);
      return entry;
    },
    /** Takes a removal off the list with its secrets back in the live slots; returns the profile as it was. */
    async takeBack(entry: RemovedEntry): Promise<StoredProfile> {
      for (const key of Object.values(secretKeys(entry.profile.name))) await deps.slots.move(keptSlot(entry.id, key), key);
      without(entry.id);
      return entry.profile;
    },
    /** The removal `id`, or the newest of `name`; NOT_FOUND when there is none. */
    pick(name: string, id?: string): RemovedEntry {
      const found = read()
        .filter((e) => e.profile.name === name && (id === undefined || e.id === id))
        .sort((x, y) => y.removedAt - x.removedAt)[0];
      if (!found) throw new AppError('NOT_FOUND', 'error.profiles.notRemoved', { name, days: REMOVED_PROFILE_DAYS });
      return found;
    },
    /** Team mode: the removal of `name` that made or took in the marker `markerVersion`. */
    byMarker: (name: string, markerVersion: number): RemovedEntry | undefined => read().find((e) => e.profile.name === name && e.markerVersion === markerVersion),
    /** Team mode: this workstation's removal of `name` still waiting for the team database. */
    waiting: (name: string): RemovedEntry | undefined => read().find((e) => e.profile.name === name && e.removedHere && e.markerVersion === null && e.profile.team !== undefined),
    /** Team mode: a waiting removal reached the team as marker `version`. */
    marked(id: string, version: number): void {
      write(read().map((e) => (e.id === id ? { ...e, markerVersion: version } : e)));
    },
    /** The newest removal of `name` still on the list (a message about using a removed profile names who removed it and when). */
    latest: (name: string): RemovedEntry | undefined => read().filter((e) => e.profile.name === name).sort((x, y) => y.removedAt - x.removedAt)[0],
    /** Purges removals older than {@link REMOVED_PROFILE_DAYS} days with their kept secrets; each is logged. Returns how many went. */
    async purge(): Promise<number> {
      const now = deps.now();
      const expired = read().filter((e) => expiresAt(e) <= now);
      for (const e of expired) {
        for (const key of Object.values(secretKeys(e.profile.name))) await deps.slots.drop(keptSlot(e.id, key));
        without(e.id);
        await deps.log({ level: 'info', kind: 'profile', profile: e.profile.name, messageId: 'connections.activity.purged', values: { days: REMOVED_PROFILE_DAYS, at: e.removedAt } });
      }
      return expired.length;
    },
    /** A removal as the contract shows it. */
    async view(e: RemovedEntry): Promise<RemovedProfile> {
      const p = e.profile;
      // Asked now, not remembered: a secret kept for the session only is gone after a restart.
      let secretKept = false;
      for (const key of Object.values(secretKeys(p.name))) if (await deps.slots.has(keptSlot(e.id, key))) secretKept = true;
      return {
        id: e.id,
        name: p.name,
        host: p.host,
        port: p.port,
        user: p.user,
        authKind: p.auth.kind,
        clients: p.clients.map((c) => c.name),
        shared: p.team !== undefined,
        removedAt: new Date(e.removedAt).toISOString(),
        removedBy: e.removedBy,
        removedHere: e.removedHere,
        secretKept,
        purgeAt: new Date(expiresAt(e)).toISOString(),
      };
    },
  };
}

/** The "Recently removed" list of one profiles service. */
export type RemovedProfiles = ReturnType<typeof createRemovedProfiles>;
