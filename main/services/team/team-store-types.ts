import type { ClaimRequest, SendClaims } from '../store/send-claims';

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
  readonly state: string;
  readonly active: boolean;
  readonly fileName: string;
  readonly productsFileName: string | null;
  readonly uploadDir: string;
  readonly workstation: string;
  readonly createdAt: Date;
  readonly releasedAt: Date | null;
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
  adopt(sendId: string, state: string, message: string): Promise<void>;
  /** The shared journal, newest first. */
  list(filter?: { readonly limit?: number }): Promise<TeamSend[]>;
  /** Workstations seen within the last `withinMs`. */
  activeWorkstations(withinMs?: number): Promise<{ id: string; name: string; lastSeen: Date }[]>;
  /** Calls `listener` for every state change any workstation records (LISTEN/NOTIFY); returns the stop function. */
  watch(listener: (notice: TeamNotice) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
