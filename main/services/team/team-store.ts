import { FINISHED_SEND_STATES } from '../../../shared/contract/sends';
import { decideTeamSend, teamDecisions } from './team-approvals';
import { claimTeamSend, reserveTeamNames } from './team-claims';
import { abandonedTeamSends, activeTeamWorkstations, listTeamSends, ownTeamClaims, teamSendWithEvents } from './team-journal';
import { teamLeases } from './team-leases';
import { putTeamProfile, teamProfiles, watchTeamProfiles } from './team-profiles';
import { watchTeamNotices } from './team-notices';
import { announceTeamActivity, othersTeamActivity, pushedTeamActivity, purgeTeamActivity, pushTeamActivity, teamActivityOf, watchTeamActivity } from './team-activity';
import { checkTeamSchema, openTeamPool } from './team-pool';
import { adoptTeamSend, recordTeamState, toldTeamSteps } from './team-state-changes';
import { measureTeamClock, pullTeamSuppression, pushTeamSuppression, watchTeamSuppression } from './team-suppression';
import { DEFAULT_LEASE, type LeaseTiming, type TeamStoreOptions } from './team-options';
import type { TeamStore } from './team-store-types';

// The store is split by job: connection and schema check (team-pool), error mapping (team-errors),
// migrations under the advisory lock (apply-team-migrations), claims and name reservations
// (team-claims), leases (team-leases), state changes (team-state-changes), NOTIFY/LISTEN
// (team-notices) and the journal's reads (team-journal). Import them from here.
export { migrateTeamDatabase } from './apply-team-migrations';
export { TEAM_PROFILES_CHANNEL, type TeamProfileRow, type TeamProfilePut, type TeamProfileNotice, type AbandonedSend, type TeamSend, type TeamSendEvent, type TeamStore, type TeamTold } from './team-store-types';
export { DEFAULT_LEASE, type LeaseTiming, type TeamStoreOptions } from './team-options';
export { TEAM_CHANNEL, type TeamNotice } from './team-notices';
// Shared activity log (#16)
export { TEAM_ACTIVITY_CHANNEL, type TeamActivityFilter, type TeamActivityInput, type TeamActivityNotice, type TeamActivityRow } from './team-store-types';
export type { TeamDecision, TeamDecisionRecord } from './team-approvals';
// Shared suppression list (#16)
export { SUPPRESSION_CHANNEL, type SharedSuppressionChange, type SuppressionChange, type SuppressionPushResult, type TeamClockReading } from './team-suppression';

/**
 * Connects a workstation to the team database. Checks that `team init` ran (all migrations
 * applied) and records the workstation; fails with TEAM_UNAVAILABLE when it cannot.
 */
export async function openTeamStore(options: TeamStoreOptions): Promise<TeamStore> {
  const lease: LeaseTiming = { ...DEFAULT_LEASE, ...options.lease };
  const db = openTeamPool(options);
  const me = options.workstation;
  try {
    await checkTeamSchema(db);
    await db.query('INSERT INTO team_workstations (id, name, last_seen) VALUES ($1, $2, now()) ON CONFLICT (id) DO UPDATE SET name = $2, last_seen = now()', [me, options.workstationName]);
  } catch (e) {
    // Nobody will hold this store, so nobody else would close its pool: its idle connection
    // would stay open on the server until the process ends (each retry adding one).
    await db.end().catch(() => undefined);
    throw e;
  }
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
    toldSteps: (sendIds) => toldTeamSteps(db, sendIds),
    activeWorkstations: (withinMs = 120_000) => activeTeamWorkstations(db, withinMs),
    watch: (listener) => watchTeamNotices(db.config, listener),
    // Shared suppression list (#16)
    pushSuppression: (changes, epoch, now) => pushTeamSuppression(db, { id: me, name: options.workstationName, epoch }, changes, now),
    measureClock: (now) => measureTeamClock(db, now),
    pullSuppression: (afterSeq) => pullTeamSuppression(db, afterSeq),
    watchSuppression: (listener) => watchTeamSuppression(db.config, me, listener),
    // Shared profiles (#16)
    profiles: () => teamProfiles(db),
    putProfile: (name, setup, baseVersion, restores) => putTeamProfile(db, { id: me, name: options.workstationName }, name, setup, baseVersion, restores),
    watchProfiles: (listener, connected) => watchTeamProfiles(db.config, listener, connected),
    // Shared activity log (#16)
    pushActivity: (entries) => pushTeamActivity(db, { id: me, name: options.workstationName }, entries),
    announceActivity: (epoch, from, to) => announceTeamActivity(db, me, epoch, from, to),
    pushedActivity: () => pushedTeamActivity(db, me),
    othersActivity: (filter) => othersTeamActivity(db, me, filter),
    activityOf: (workstation, epoch, from, to, limit) => teamActivityOf(db, workstation, epoch, from, to, limit),
    watchActivity: (listener) => watchTeamActivity(db.config, listener),
    purgeActivity: (before) => purgeTeamActivity(db, me, before),
    async close() {
      leases.stopAll();
      await db.end().catch(() => undefined);
    },
  };
}
