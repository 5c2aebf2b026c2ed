/** What "Correct and send again", "New send" on a mailing row and the first-run guide hand to the New send screen. */
export interface NewSendPrefill {
  readonly profile: string;
  readonly client: string;
  readonly sourceMailingId: string;
  /** The recipient file on the host; absent when only the mailing is chosen. */
  readonly path?: string;
  /** Map and check the file at once and open the Send step when every row can go (the demo list). */
  readonly autoCheck?: boolean;
}

let pending: NewSendPrefill | null = null;

/** Leaves a prefill for the next New send screen to pick up (one hand-over, then it is gone). */
export function setNewSendPrefill(prefill: NewSendPrefill): void {
  pending = prefill;
}

/** Takes the pending prefill, if any. */
export function takeNewSendPrefill(): NewSendPrefill | null {
  const p = pending;
  pending = null;
  return p;
}
