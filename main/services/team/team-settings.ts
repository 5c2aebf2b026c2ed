import { hostname } from 'node:os';
import type { SecretStore } from '../secrets/secret-store';
import type { Settings } from '../store/settings';
import { describeUrl, TEAM_PASSWORD_ENV, TEAM_PASSWORD_SECRET } from './team-connection';
import { lazyTeamStore } from './lazy-team-store';
import { openTeamStore, type LeaseTiming, type TeamStore } from './team-store';

/** Settings key of the team connection (never a password). */
export const TEAM_SETTING = 'team';

/** What the settings file keeps about team mode. */
export interface TeamSetting {
  /** postgres://ROLE@HOST:PORT/DB?sslmode=… without a password. */
  readonly url: string;
  /** This workstation's id in the team (made by `team join`). */
  readonly workstation: string;
  /** Shown to the other workstations. */
  readonly name: string;
}

/** The team setting of a data dir, if it joined a team. */
export function readTeamSetting(settings: Settings): TeamSetting | undefined {
  const t = settings.get<TeamSetting>(TEAM_SETTING);
  return t && typeof t.url === 'string' && typeof t.workstation === 'string' ? { ...t, name: t.name || hostname() } : undefined;
}

/** The team password: the environment variable first, then the keychain. */
export async function teamPassword(env: NodeJS.ProcessEnv, secrets: SecretStore | undefined): Promise<string | undefined> {
  return env[TEAM_PASSWORD_ENV] ?? (await secrets?.get(TEAM_PASSWORD_SECRET).catch(() => undefined));
}

/**
 * The team store of a workstation that joined a team; connects lazily, so an unreachable
 * database never keeps the app from starting. `LOOPDESK_TEAM_LEASE_MS` shortens leases (tests).
 */
export function teamStoreFor(setting: TeamSetting, env: NodeJS.ProcessEnv, secrets: SecretStore | undefined): TeamStore {
  const ttl = Number(env.LOOPDESK_TEAM_LEASE_MS);
  const lease: Partial<LeaseTiming> | undefined = Number.isFinite(ttl) && ttl > 0 ? { ttlMs: ttl, graceMs: ttl / 3, staleAfterMs: ttl * 2 } : undefined;
  return lazyTeamStore(
    async () => openTeamStore({ url: setting.url, password: await teamPassword(env, secrets), workstation: setting.workstation, workstationName: setting.name, lease, timeoutMs: 5_000 }),
    { workstation: setting.workstation, workstationName: setting.name, target: describeUrl(setting.url) },
  );
}
