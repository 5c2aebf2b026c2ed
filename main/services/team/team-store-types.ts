import type { CatalogText } from '../../../shared/contract/catalog-text';
import type { ClaimRequest, SendClaims } from '../store/send-claims';
import type { TeamDecision, TeamDecisionRecord } from './team-approvals';
import type { SharedSuppressionChange, SuppressionChange, SuppressionPushResult, TeamClockReading } from './team-suppression';
import type { TeamStep } from './team-events';
import type { TeamNotice } from './team-notices';

/**
 * How far the team has a send's local timeline (team migrations 9 and 10): the position of the
 * newest step it has (null: claimed before migration 9, only the newest step is told) and that
 * step's time on its workstation (null: not told since the claim or adoption, or before migration 10).
 */
export interface TeamTold {
  readonly steps: number | null;
  readonly at: Date | null;
}

/** A send that its workstation left mid-upload: someone must reconcile it from the server. */
export type AbandonedSend = Omit<ClaimRequest, 'sendId' | 'namesAt'> & {
  readonly id: string;
  readonly workstation: string;
  readonly createdAt: Date;
};

/** A row of the shared journal, as other workstations see it. */
export interface TeamSend {
  readonly id: string;
  readonly profile: string;
  readonly client: string;
  readonly sourceMailingId: string;
  readonly sourceMailingName: string;
  readonly test: boolean;
  readonly recipients: number;
  /** Rows left out (0 for sends claimed before team migration 8). */
  readonly excluded: number;
  readonly state: string;
  readonly active: boolean;
  readonly fileName: string;
  readonly productsFileName: string | null;
  readonly uploadDir: string;
  readonly mailingId: string | null;
  /** The workstation that owns the send now (its creator, or the one that adopted it). */
  readonly workstation: string;
  /** The workstation that started it, and its name. */
  readonly startedBy: string;
  readonly startedByName: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly scheduledAt: Date | null;
  readonly releasedAt: Date | null;
  /** Four-eyes: the decision another member took, if any. */
  readonly decision: { readonly decision: 'approved' | 'rejected'; readonly byName: string; readonly at: Date; readonly reason: string | null } | null;
}

/** One event of a send in the shared journal. */
export interface TeamSendEvent {
  readonly at: Date;
  readonly state: string;
  /** The step's sentence in English; `text` is its catalog key and values (null for steps written before team migration 6). */
  readonly message: string;
  readonly text: CatalogText | null;
  /** The workstation that wrote the step: its id, and its name as the team knows it (the id when it left the team). */
  readonly workstation: string;
  readonly workstationName: string;
}

// Shared profiles (#16)

/** NOTIFY channel on which every change of a shared profile is announced (its own, so send watchers never see it). */
export const TEAM_PROFILES_CHANNEL = 'loopdesk_profiles';

/** A shared profile as the team database keeps it (team-profiles.ts). */
export interface TeamProfileRow {
  readonly name: string;
  /** The non-secret set-up (profiles/shared-setup.ts parses it); null once removed. */
  readonly setup: Readonly<Record<string, unknown>> | null;
  /** True for the marker a removal leaves, so a workstation with an old copy drops it rather than sharing it again. */
  readonly removed: boolean;
  /** Counts every change; a change based on an older version is refused. */
  readonly version: number;
  readonly updatedBy: string;
  readonly updatedByName: string;
  readonly updatedAt: Date;
  /** The version of the removal marker this profile was restored over (kept through later changes); null when it never was. */
  readonly restoredFrom: number | null;
}

/** Outcome of a change to a shared profile: its new version, or the team's newer row that refused it. */
export type TeamProfilePut = { readonly ok: true; readonly version: number } | { readonly ok: false; readonly current: TeamProfileRow };

/** What a NOTIFY on {@link TEAM_PROFILES_CHANNEL} carries. */
export interface TeamProfileNotice {
  readonly name: string;
  readonly version: number;
  readonly workstation: string;
}

// Shared activity log (#16)
/** NOTIFY channel on which each pushed batch of activity entries is announced. */
export const TEAM_ACTIVITY_CHANNEL = 'loopdesk_activity';

/** One activity entry as the team database keeps it (a workstation's local entry, with who wrote it). */
export interface TeamActivityRow {
  /** The writing workstation's id and its name. */
  readonly workstation: string;
  readonly workstationName: string;
  /** The log epoch of the data file opening that wrote it (store/database.ts `epoch`; '' for entries pushed before epochs). */
  readonly epoch: string;
  /** The entry's id in that workstation's own log (unique within its epoch). */
  readonly localId: number;
  readonly at: Date;
  readonly level: 'info' | 'warn' | 'error';
  readonly kind: string;
  readonly profile: string | null;
  /** English text (search, logs). */
  readonly message: string;
  /** Catalog key and values, so each reader sees it in their language; null for entries from before the catalog. */
  readonly messageId: string | null;
  readonly messageValues: Readonly<Record<string, string | number>> | null;
  readonly details: string | null;
}

/** What this workstation pushes: its own entries (the store adds its id and name). */
export type TeamActivityInput = Omit<TeamActivityRow, 'workstation' | 'workstationName'>;

/** Which entries the local log lacks to read (the other workstations', and this one's that only the team kept). */
export interface TeamActivityFilter {
  readonly limit: number;
  /**
   * What this workstation's own log holds: per log epoch, its newest local id. This workstation's
   * team entries beyond it (those of a data file since restored from a backup, made anew, or of a
   * copy on another machine) are read like the others'. Left out: none of this workstation's.
   */
  readonly held?: readonly { readonly epoch: string; readonly last: number }[];
  readonly level?: TeamActivityRow['level'];
  readonly profile?: string;
  /** Part of the English text or the kind, any case. */
  readonly search?: string;
}

/** What a NOTIFY on {@link TEAM_ACTIVITY_CHANNEL} carries: a workstation pushed its entries `from`…`to` (local ids) of one epoch. */
export interface TeamActivityNotice {
  readonly workstation: string;
  readonly epoch: string;
  readonly from: number;
  readonly to: number;
}

/** The team database: the PostgreSQL implementation of {@link SendClaims}, plus what team mode adds. */
export interface TeamStore extends SendClaims {
  readonly mode: 'team';
  readonly workstation: string;
  /** Where it connects (without the password), for messages and the Settings screen. */
  readonly target: string;
  /** Marks this workstation alive (called by every scheduler pass). */
  heartbeat(): Promise<void>;
  /** Sends left mid-upload by a workstation whose lease ran out (or that is gone). */
  abandoned(): Promise<AbandonedSend[]>;
  /** Active sends this workstation owns, claimed longer ago than a create can take (to find claims whose send was never recorded here). */
  ownClaims(): Promise<string[]>;
  /** Takes the lease of an abandoned send for this workstation; false when someone else was faster or it ended. */
  takeOver(sendId: string): Promise<boolean>;
  /** Makes this workstation the send's owner (it follows the send from now on). */
  adopt(sendId: string, state: string, step: TeamStep): Promise<void>;
  /** The shared journal, newest first. */
  list(filter?: { readonly limit?: number; readonly events?: boolean }): Promise<(TeamSend & { readonly events: readonly TeamSendEvent[] })[]>;
  /** One send of the shared journal with its events; undefined when the team has none of that id. */
  get(sendId: string): Promise<(TeamSend & { readonly events: readonly TeamSendEvent[] }) | undefined>;
  /** Four-eyes: this workstation approves or rejects another member's send (team-approvals.ts). */
  decide(sendId: string, decision: TeamDecision, reason: string): Promise<TeamDecisionRecord>;
  /** The decisions taken on these sends (undecided ones are left out). */
  decisions(sendIds: readonly string[]): Promise<TeamDecisionRecord[]>;
  /**
   * Where the team's copy of each of these sends' local timelines ends (see
   * `ClaimStateChange.step` and `.at`); sends the team does not know are left out.
   */
  toldSteps(sendIds: readonly string[]): Promise<Map<string, TeamTold>>;
  /** This workstation's name as the team sees it. */
  readonly workstationName: string;
  /** Workstations seen within the last `withinMs`. */
  activeWorkstations(withinMs?: number): Promise<{ id: string; name: string; lastSeen: Date }[]>;
  /** Calls `listener` for every state change any workstation records (LISTEN/NOTIFY); returns the stop function. */
  watch(listener: (notice: TeamNotice) => void): Promise<() => Promise<void>>;
  // Shared activity log (#16)
  /** Writes a batch of this workstation's entries in one statement (a repeat is written once). */
  pushActivity(entries: readonly TeamActivityInput[]): Promise<void>;
  /** Tells every listening workstation that this one pushed its entries `from`…`to` (local ids) of `epoch`. */
  announceActivity(epoch: string, from: number, to: number): Promise<void>;
  /** Per log epoch, the newest local id of this workstation's entries the team has (epochs it has none of are missing). */
  pushedActivity(): Promise<Map<string, number>>;
  /** The entries this workstation's log lacks (see {@link TeamActivityFilter.held}), newest first (at most `limit`), and how many match in all. */
  othersActivity(filter: TeamActivityFilter): Promise<{ entries: TeamActivityRow[]; total: number }>;
  /** The newest `limit` of one workstation's entries of `epoch` with local ids `from`…`to` (what a notice announced), oldest first. */
  activityOf(workstation: string, epoch: string, from: number, to: number, limit: number): Promise<TeamActivityRow[]>;
  /** Calls `listener` for every batch any workstation pushes (LISTEN/NOTIFY); returns the stop function. */
  watchActivity(listener: (notice: TeamActivityNotice) => void): Promise<() => Promise<void>>;
  /** Retention: removes this workstation's entries older than `before` from the team; returns how many. */
  purgeActivity(before: Date): Promise<number>;
  close(): Promise<void>;

  // Shared suppression list (#16)
  /**
   * Pushes this workstation's suppression changes, made in the data file opening `epoch`, in one
   * transaction; the latest change per address wins, on the team database's time (changes stamped
   * by this workstation's clock `now`, epoch ms, are corrected by its measured offset; team-suppression.ts).
   */
  pushSuppression(changes: readonly SuppressionChange[], epoch: string, now?: () => number): Promise<SuppressionPushResult>;
  /** Measures this workstation's clock `now` (epoch ms) against the team database's in one round trip. */
  measureClock(now?: () => number): Promise<TeamClockReading>;
  /** The shared suppression list's changes after sequence `afterSeq`, oldest first (one page). */
  pullSuppression(afterSeq: number): Promise<SharedSuppressionChange[]>;
  /** Calls `listener` when another workstation changed the shared list, and on every (re)connect of the listener; returns the stop function. */
  watchSuppression(listener: () => void): Promise<() => Promise<void>>;
  // Shared profiles (#16)
  /** Every shared profile of the team, removal markers included. */
  profiles(): Promise<TeamProfileRow[]>;
  /**
   * Writes a profile's set-up (`null`: removes it) if the team's copy is still at `baseVersion`
   * (`null`: the team has no live profile of that name); otherwise returns the team's row.
   */
  putProfile(name: string, setup: Readonly<Record<string, unknown>> | null, baseVersion: number | null, restores?: number): Promise<TeamProfilePut>;
  /** Calls `listener` for every profile change (LISTEN/NOTIFY) and `connected` after each (re)connect; returns the stop function. */
  watchProfiles(listener: (notice: TeamProfileNotice) => void, connected?: () => void): Promise<() => Promise<void>>;
}
