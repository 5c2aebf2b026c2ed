import type { Transport } from '../../../shared/contract/client';

/** One problem the global banner shows. */
export interface ReportedProblem {
  readonly id: number;
  readonly title: string;
  readonly message: string;
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
  report(title: string, message: string): void {
    if (this.problems.some((p) => p.title === title && p.message === message)) return;
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
    reporter.report('Something went wrong in this window', describe(ev.error ?? ev.message));
  };
  const onRejection = (ev: PromiseRejectionEvent) => {
    reporter.report('Something went wrong in this window', describe(ev.reason));
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
        reporter.report('Loopdesk hit an unexpected error', result.error.message);
      }
      return result;
    },
    subscribe: (event, listener) => transport.subscribe(event, listener),
  };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `${text || 'Unknown error'}. Try the action again; if it keeps happening, reload the window and check the Activity screen.`;
}
