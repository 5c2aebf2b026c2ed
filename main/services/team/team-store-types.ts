import type { CatalogText } from '../../../shared/contract/catalog-text';
import type { ClaimRequest, SendClaims } from '../store/send-claims';
import type { TeamDecision, TeamDecisionRecord } from './team-approvals';
import type { TeamStep } from './team-events';

/** NOTIFY channel on which every send state change is announced. */
export const TEAM_CHANNEL = 'loopdesk_sends';

/** Timing of leases; tests shorten it. */
export interface LeaseTiming {
  /** How long a lease lasts after each renewal. */
  readonly ttlMs: number;
  /** After a lease ran out, how long others still wait before they take the send over. */
  readonly graceMs: number;
  /** A creator not seen for this long counts as gone, for sends it never leased. */
  readonly staleAfterMs: number;
}

/** Default lease timing: renewed every 10 s, lost after 30 s, taken over 10 s later. */
export const DEFAULT_LEASE: LeaseTiming = { ttlMs: 30_000, graceMs: 10_000, staleAfterMs: 60_000 };

/** Options of `openTeamStore` (team-store.ts). */
export interface TeamStoreOptions {
  /** `postgres://user@host:port/db?sslmode=…`, without the password. */
  readonly url: string;
  /** The role's password (environment variable or keychain; never the settings file). */
  readonly password?: string;
  /** This workstation's id (settings `team.workstation`). */
  readonly workstation: string;
  /** Shown to the others ("who else is active"). */
  readonly workstationName: string;
  readonly lease?: Partial<LeaseTiming>;
  /** Connection and statement time-out; an unreachable database fails this fast. */
  readonly timeoutMs?: number;
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
  readonly workstation: string;
}

/** What a NOTIFY carries. */
export interface TeamNotice {
  readonly sendId: string;
  readonly state: string;
  readonly workstation: string;
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
  /** This workstation's name as the team sees it. */
  readonly workstationName: string;
  /** Workstations seen within the last `withinMs`. */
  activeWorkstations(withinMs?: number): Promise<{ id: string; name: string; lastSeen: Date }[]>;
  /** Calls `listener` for every state change any workstation records (LISTEN/NOTIFY); returns the stop function. */
  watch(listener: (notice: TeamNotice) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
