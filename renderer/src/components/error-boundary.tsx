import { Component, type ErrorInfo, type ReactNode } from 'react';

/**
 * Catches a render error in the screen below it and shows what happened and a way back,
 * instead of the blank window React leaves otherwise. The shell keys it by screen, so moving
 * to another screen starts that screen afresh.
 */
export class ScreenErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // The console keeps the component stack for a bug report; the operator sees the message below.
    console.error('A screen failed to render', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="screen-inner" aria-labelledby="screen-failed-title">
        <header className="screen-header">
          <h1 id="screen-failed-title">This screen could not be shown</h1>
        </header>
        <div className="callout callout-error" role="alert">
          <p>
            Loopdesk hit a fault while drawing this screen: {error.message || error.name}. Your data and any sends are not affected. Go back to the sends, or reload the
            window to try again.
          </p>
        </div>
        <div className="button-row">
          <a className="button primary" href="#/sends" onClick={() => this.setState({ error: null })}>
            Back to Sends
          </a>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Reload the window
          </button>
        </div>
      </section>
    );
  }
}
