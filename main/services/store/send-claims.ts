/**
 * The port through which the send path takes the things that must be unique across every
 * workstation that sends for the same clients: the one-send-per-source-mailing lock, the
 * upload file names per server directory, and the right to upload (a lease). Two
 * implementations: the local one (one workstation, the DuckDB send journal, today's
 * behaviour) and the team one (PostgreSQL, many workstations; main/services/team).
 */

import type { CatalogText } from '../../../shared/contract/catalog-text';

/** What a new send claims. */
export interface ClaimRequest {
  readonly sendId: string;
  readonly profile: string;
  readonly client: string;
  readonly sourceMailingId: string;
  readonly sourceMailingName: string;
  readonly test: boolean;
  /** `scheduled`, `queued`, or `awaiting_approval` (four-eyes clients). */
  readonly state: string;
  /** When the send is due (shown to the team; absent: now). */
  readonly scheduledAt?: Date;
  readonly recipients: number;
  /** Rows the prepared file leaves out (absent: none). */
  readonly excluded?: number;
  readonly uploadDir: string;
  readonly logDir: string;
  /** The prepared remote names; the claim may move them to a later free second. */
  readonly fileName: string;
  readonly productsFileName: string | null;
  /**
   * The names moved `seconds` later (the stamp format is the send path's business); the claim
   * walks forward from 0 until no team member has reserved them.
   */
  readonly namesAt?: (seconds: number) => ClaimedNames;
}

/** The names a claim reserved (the stamp may be later than the prepared one). */
export interface ClaimedNames {
  readonly fileName: string;
  readonly productsFileName: string | null;
}

/** The outcome of asking for the upload lease of a send. */
export type LeaseOutcome =
  /** This workstation may upload until the lease runs out (it renews it meanwhile). */
  | { readonly kind: 'held' }
  /** Another workstation holds a live lease: upload nothing now, ask again later. */
  | { readonly kind: 'busy'; readonly holder: string }
  /**
   * The send is past its upload, or finished, for the team (another workstation reconciled it, or
   * this one's newer data moved it on): upload nothing, ever. `ownAhead`: the team got there on
   * this workstation's own word (it owns the send and told the newest step), so this data file is
   * older than what it told the team (restored from a backup, or a copy); the team's names and
   * mailing ID, for the local record to follow. Absent when another workstation ended it.
   */
  | {
      readonly kind: 'ended';
      readonly state: string;
      readonly message: string;
      readonly text: CatalogText | null;
      readonly ownAhead?: { readonly fileName: string; readonly productsFileName: string | null; readonly mailingId: string | null };
    };

/** A state change other workstations should see (or, in the same state, a change of the send's counts). */
export interface ClaimStateChange {
  readonly sendId: string;
  readonly state: string;
  /** The step's sentence in English, and (`text`) as its catalog key and values for other workstations' languages; both left out for a state reached without a step. */
  readonly message?: string;
  readonly text?: CatalogText | null;
  readonly mailingId?: string | null;
  /** The send's counts as they stand now (rows left out at upload change them while it stays `uploading`). */
  readonly recipients?: number;
  readonly excluded?: number;
  /**
   * The step's position in the owner's local timeline (1 = its first step, which the claim
   * stands for). The team writes each position once, so a step told again is not repeated.
   * Left out for changes that are no step of the owner's timeline (a claim freed, an abandoned send ended).
   */
  readonly step?: number;
  /**
   * When the step was taken, by the owner's clock (its local timeline's time): the team journal
   * shows it, however late the step arrives, and the step's place is (`at`, `step`), so the steps
   * of a data file restored from an older backup are taken too (team migration 10). Left out: the
   * time it arrives, and the place by position only.
   */
  readonly at?: Date;
}

/** The send path's view of shared send coordination. */
export interface SendClaims {
  /** `local`: one workstation; `team`: shared through the team database. */
  readonly mode: 'local' | 'team';
  /**
   * In one transaction: takes the source-mailing lock (CONFLICT when another send holds it),
   * reserves the upload names in the upload directory (moving to the next free second when a
   * name is taken) and records the claim. TEAM_UNAVAILABLE when the team database is unreachable.
   */
  claim(request: ClaimRequest): Promise<ClaimedNames>;
  /**
   * Reserves names the runner moved to (the server already had a file of that stamp). False
   * when another send reserved one of them meanwhile: pick the next second.
   */
  reserveNames(sendId: string, profile: string, uploadDir: string, names: ClaimedNames): Promise<boolean>;
  /** Takes (or renews) the upload lease of a send for this workstation. */
  acquireLease(sendId: string): Promise<LeaseOutcome>;
  /**
   * Throws unless this workstation's lease is still safely valid by its own clock (renewed
   * recently enough): called just before a file is published under its final name.
   */
  assertLease(sendId: string): Promise<void>;
  /** Gives the lease up (upload done or failed for now). */
  releaseLease(sendId: string): Promise<void>;
  /**
   * Records a state change of a send this workstation owns or holds the lease of (others'
   * changes are ignored: only they move a send); a final state releases the source-mailing lock.
   * A change that would move the send back (the team is ahead: approved elsewhere) is not
   * recorded (`movesForward` in shared/contract/sends.ts).
   */
  recordState(change: ClaimStateChange): Promise<void>;
}


