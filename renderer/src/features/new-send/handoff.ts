/** What "Correct and send again" hands to the New send screen. */
export interface NewSendPrefill {
  readonly profile: string;
  readonly client: string;
  readonly sourceMailingId: string;
  readonly path: string;
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
