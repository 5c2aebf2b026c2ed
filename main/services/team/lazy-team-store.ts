import type { TeamStore } from './team-store';

/**
 * A team store that connects on first use and again after a failed attempt, so a workstation
 * starts (and everything local works) while the team database is away; each team operation
 * meanwhile fails with the store's TEAM_UNAVAILABLE error and new sends wait.
 */
export function lazyTeamStore(open: () => Promise<TeamStore>, info: { readonly workstation: string; readonly workstationName: string; readonly target: string }): TeamStore {
  let current: Promise<TeamStore> | undefined;
  const get = (): Promise<TeamStore> => {
    if (!current) {
      const attempt = open();
      current = attempt;
      attempt.catch(() => {
        if (current === attempt) current = undefined;
      });
    }
    return current;
  };
  const via =
    <K extends keyof TeamStore>(name: K) =>
    async (...args: unknown[]) =>
      ((await get())[name] as (...a: unknown[]) => unknown)(...args);
  return {
    mode: 'team',
    workstation: info.workstation,
    workstationName: info.workstationName,
    target: info.target,
    claim: via('claim') as TeamStore['claim'],
    reserveNames: via('reserveNames') as TeamStore['reserveNames'],
    acquireLease: via('acquireLease') as TeamStore['acquireLease'],
    assertLease: via('assertLease') as TeamStore['assertLease'],
    releaseLease: via('releaseLease') as TeamStore['releaseLease'],
    recordState: via('recordState') as TeamStore['recordState'],
    heartbeat: via('heartbeat') as TeamStore['heartbeat'],
    abandoned: via('abandoned') as TeamStore['abandoned'],
    takeOver: via('takeOver') as TeamStore['takeOver'],
    ownClaims: via('ownClaims') as TeamStore['ownClaims'],
    adopt: via('adopt') as TeamStore['adopt'],
    list: via('list') as TeamStore['list'],
    get: via('get') as TeamStore['get'],
    decide: via('decide') as TeamStore['decide'],
    decisions: via('decisions') as TeamStore['decisions'],
    toldSteps: via('toldSteps') as TeamStore['toldSteps'],
    activeWorkstations: via('activeWorkstations') as TeamStore['activeWorkstations'],
    watch: via('watch') as TeamStore['watch'],
    // Shared suppression list (#16)
    pushSuppression: via('pushSuppression') as TeamStore['pushSuppression'],
    measureClock: via('measureClock') as TeamStore['measureClock'],
    pullSuppression: via('pullSuppression') as TeamStore['pullSuppression'],
    watchSuppression: via('watchSuppression') as TeamStore['watchSuppression'],
    // Shared profiles (#16)
    profiles: via('profiles') as TeamStore['profiles'],
    putProfile: via('putProfile') as TeamStore['putProfile'],
    watchProfiles: via('watchProfiles') as TeamStore['watchProfiles'],
    // Shared activity log (#16)
    pushActivity: via('pushActivity') as TeamStore['pushActivity'],
    announceActivity: via('announceActivity') as TeamStore['announceActivity'],
    pushedActivity: via('pushedActivity') as TeamStore['pushedActivity'],
    othersActivity: via('othersActivity') as TeamStore['othersActivity'],
    activityOf: via('activityOf') as TeamStore['activityOf'],
    watchActivity: via('watchActivity') as TeamStore['watchActivity'],
    purgeActivity: via('purgeActivity') as TeamStore['purgeActivity'],
    async close() {
      const store = await current?.catch(() => undefined);
      await store?.close();
    },
  };
}
