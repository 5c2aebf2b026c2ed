import { createContext, useContext, useState, type ReactNode } from 'react';
import { EMPTY_DRAFT, type NewSendState } from './draft-model';

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

/** The step ids of a new send, in order. */
export type NewSendStepId = 'file' | 'mapping' | 'check' | 'products' | 'send';

/**
 * What the New send screen keeps while the window is open: the draft and step outlive the
 * screen (looking at Sends and coming back loses nothing), and a prefill waits for the next
 * visit. One per window, held by {@link NewSendSessionProvider} instead of module variables,
 * so it is visible in the tree and starts empty with every window (and every test).
 */
export class NewSendSession {
  private keptDraft: NewSendState = EMPTY_DRAFT;
  private keptStep: NewSendStepId = 'file';
  private pending: NewSendPrefill | null = null;

  /** The draft as the screen last left it. */
  draft(): NewSendState {
    return this.keptDraft;
  }

  /** The step the screen was last on. */
  step(): NewSendStepId {
    return this.keptStep;
  }

  /** Keeps the draft for the next visit. */
  keepDraft(draft: NewSendState): void {
    this.keptDraft = draft;
  }

  /** Keeps the step for the next visit. */
  keepStep(step: NewSendStepId): void {
    this.keptStep = step;
  }

  /** Leaves a prefill for the next New send screen to pick up (one hand-over, then it is gone). */
  setPrefill(prefill: NewSendPrefill): void {
    this.pending = prefill;
  }

  /** Takes the pending prefill, if any. */
  takePrefill(): NewSendPrefill | null {
    const p = this.pending;
    this.pending = null;
    return p;
  }
}

const SessionContext = createContext<NewSendSession | null>(null);

/** Holds the window's {@link NewSendSession}; the shell wraps every screen in it. */
export function NewSendSessionProvider(props: { children: ReactNode }) {
  const [session] = useState(() => new NewSendSession());
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}

/** The window's New send session; throws outside {@link NewSendSessionProvider} because that is a wiring bug. */
export function useNewSendSession(): NewSendSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useNewSendSession used outside NewSendSessionProvider');
  return session;
}
