import type { Transport } from '../../../shared/contract/client';
import type { AppErrorInfo } from '../../../shared/contract/result';
import type { MessageId } from '../../../shared/i18n/messages';

/**
 * What a problem says, kept as catalog keys (and the raw detail a bug produced) so the banner
 * writes it in the language of the moment: a language switch re-renders a problem already shown.
 */
export type ProblemText =
  /** A catalog message with its values. */
  | { readonly id: MessageId; readonly values?: Readonly<Record<string, string | number>> }
  /** A service error, shown as `errorMessage(error)`. */
  | { readonly error: AppErrorInfo }
  /** A fault in this window: its raw text (a JS error message, never translated) and what to do. */
  | { readonly fault: string | null };

/** One problem the global banner shows. */
export interface ReportedProblem {
  readonly id: number;
  readonly title: MessageId;
  readonly message: ProblemText;
}

type Listener = (problems: readonly ReportedProblem[]) => void;

/**
 * The one place unexpected problems go: window errors, unhandled rejections and
 * INTERNAL results. Expected failures stay with the screen that caused them.
 */
export class ProblemReporter {
  private problems: readonly ReportedProblem[] = [];
  private nextId = 1;
  private readonly listeners = new Set<Listener>();

  /** Adds a problem; identical repeats are folded so a loop cannot flood the screen. */
  report(title: MessageId, message: ProblemText): void {
    const key = JSON.stringify(message);
    if (this.problems.some((p) => p.title === title && JSON.stringify(p.message) === key)) return;
    this.problems = [...this.problems, { id: this.nextId++, title, message }].slice(-5);
    this.emit();
  }

  /** Removes one problem (the operator dismissed it). */
  dismiss(id: number): void {
    this.problems = this.problems.filter((p) => p.id !== id);
    this.emit();
  }

  /** Current problems, oldest first. */
  current(): readonly ReportedProblem[] {
    return this.problems;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l(this.problems);
  }
}

/** Routes window-level errors into the reporter; returns a function that detaches it. */
export function installGlobalErrorHandlers(reporter: ProblemReporter, win: Window = window): () => void {
  const onError = (ev: ErrorEvent) => {
    // ResizeObserver loop notices are benign browser chatter, not bugs.
    if (typeof ev.message === 'string' && ev.message.startsWith('ResizeObserver loop')) return;
    reporter.report('shell.problem.window.title', { fault: describe(ev.error ?? ev.message) });
  };
  const onRejection = (ev: PromiseRejectionEvent) => {
    reporter.report('shell.problem.window.title', { fault: describe(ev.reason) });
  };
  win.addEventListener('error', onError);
  win.addEventListener('unhandledrejection', onRejection);
  return () => {
    win.removeEventListener('error', onError);
    win.removeEventListener('unhandledrejection', onRejection);
  };
}

/** Wraps a transport so INTERNAL results (bugs in the host) also reach the banner. */
export function withProblemReporting(transport: Transport, reporter: ProblemReporter): Transport {
  return {
    async invoke(channel, payload) {
      const result = await transport.invoke(channel, payload);
      if (!result.ok && result.error.code === 'INTERNAL') {
        reporter.report('shell.problem.internal.title', { error: result.error });
      }
      return result;
    },
    subscribe: (event, listener) => transport.subscribe(event, listener),
  };
}

/** The raw text of a fault (null when it has none: the banner then says "Unknown error"). */
function describe(error: unknown): string | null {
  const text = error instanceof Error ? error.message : String(error ?? '');
  return text || null;
}
