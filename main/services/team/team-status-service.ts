import type { ImplOf } from '../../../shared/contract';
import { isAppError } from '../../../shared/contract/result';
import type { teamContract, TeamStatus } from '../../../shared/contract/team';
import { describeUrl } from './team-connection';
import type { TeamSetting } from './team-settings';
import type { TeamStore } from './team-store';

/** How long a workstation counts as active after it was last heard from (its scheduler beats every few seconds). */
const ACTIVE_WITHIN_MS = 120_000;

/** The `team` service: the state of this workstation's team connection, for Settings. */
export function createTeamService(setting: TeamSetting | undefined, team: TeamStore | undefined): ImplOf<typeof teamContract> {
  return {
    async status(): Promise<TeamStatus> {
      if (!setting || !team) return { state: 'alone', url: null, workstation: null, problem: null, workstations: [] };
      const base = { url: describeUrl(setting.url), workstation: setting.name };
      try {
        await team.heartbeat();
        const seen = await team.activeWorkstations(ACTIVE_WITHIN_MS);
        return { ...base, state: 'connected', problem: null, workstations: seen.map((w) => ({ name: w.name, lastSeen: w.lastSeen.toISOString(), me: w.id === setting.workstation })) };
      } catch (e) {
        if (!isAppError(e)) throw e;
        return { ...base, state: 'unreachable', problem: { message: e.message, ...(e.messageId ? { messageId: e.messageId } : {}), ...(e.values ? { values: { ...e.values } } : {}) }, workstations: [] };
      }
    },
  };
}
