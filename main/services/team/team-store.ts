import { FINISHED_SEND_STATES } from '../../../shared/contract/sends';
import { decideTeamSend, teamDecisions } from './team-approvals';
import { claimTeamSend, reserveTeamNames } from './team-claims';
import { abandonedTeamSends, activeTeamWorkstations, listTeamSends, ownTeamClaims, teamSendWithEvents } from './team-journal';
import { teamLeases } from './team-leases';
import { watchTeamNotices } from './team-notices';
import { checkTeamSchema, openTeamPool } from './team-pool';
import { adoptTeamSend, recordTeamState } from './team-state-changes';
import { DEFAULT_LEASE, type LeaseTiming, type TeamStore, type TeamStoreOptions } from './team-store-types';

// The store is split by job: connection and schema check (team-pool), error mapping (team-errors),
// migrations under the advisory lock (apply-team-migrations), claims and name reservations
// (team-claims), leases (team-leases), state changes (team-state-changes), NOTIFY/LISTEN
// (team-notices) and the journal's reads (team-journal). Import them from here.
export { migrateTeamDatabase } from './apply-team-migrations';
export { DEFAULT_LEASE, TEAM_CHANNEL, type AbandonedSend, type LeaseTiming, type TeamNotice, type TeamSend, type TeamSendEvent, type TeamStore, type TeamStoreOptions } from './team-store-types';
export type { TeamDecision, TeamDecisionRecord } from './team-approvals';

/**
 * Connects a workstation to the team database. Checks that `team init` ran (all migrations
 * applied) and records the workstation; fails with TEAM_UNAVAILABLE when it cannot.
 */
export async function openTeamStore(options: TeamStoreOptions): Promise<TeamStore> {
  const lease: LeaseTiming = { ...DEFAULT_LEASE, ...options.lease };
  const db = openTeamPool(options);
  const me = options.workstation;
  await checkTeamSchema(db);
  await db.query('INSERT INTO team_workstations (id, name, last_seen) VALUES ($1, $2, now()) ON CONFLICT (id) DO UPDATE SET name = $2, last_seen = now()', [me, options.workstationName]);
  const leases = teamLeases(db, me, lease);

  return {
    mode: 'team',
    workstation: me,
    workstationName: options.workstationName,
    target: db.target,
    claim: (request) => claimTeamSend(db, { id: me, name: options.workstationName }, request),
    reserveNames: (sendId, profile, uploadDir, names) => reserveTeamNames(db, sendId, profile, uploadDir, names),
    acquireLease: (sendId) => leases.acquire(sendId),
    assertLease: (sendId) => leases.assert(sendId),
    releaseLease: (sendId) => leases.release(sendId),
    async recordState(change) {
      const final = (FINISHED_SEND_STATES as readonly string[]).includes(change.state);
      if (final) leases.stopRenewing(change.sendId);
      await recordTeamState(db, me, change, final);
    },
    async heartbeat() {
      await db.query('UPDATE team_workstations SET last_seen = now() WHERE id = $1', [me]);
    },
    abandoned: () => abandonedTeamSends(db, me, lease),
    ownClaims: () => ownTeamClaims(db, me, lease.staleAfterMs),
    takeOver: (sendId) => leases.takeOver(sendId),
    adopt: (sendId, state, step) => adoptTeamSend(db, me, sendId, state, step),
    list: (filter = {}) => listTeamSends(db, filter.limit, filter.events),
    get: (sendId) => teamSendWithEvents(db, sendId),
    decide: (sendId, decision, reason) => decideTeamSend(db, { id: me, name: options.workstationName }, sendId, decision, reason),
    decisions: (sendIds) => teamDecisions(db, sendIds),
    activeWorkstations: (withinMs = 120_000) => activeTeamWorkstations(db, withinMs),
    watch: (listener) => watchTeamNotices(db.config, listener),
    async close() {
      leases.stopAll();
      await db.end().catch(() => undefined);
    },
  };
}
