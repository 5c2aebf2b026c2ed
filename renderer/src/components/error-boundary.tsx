import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useI18n } from '../i18n/use-i18n';

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
    return <ScreenFailed error={error} onBack={() => this.setState({ error: null })} />;
  }
}

/** What the operator sees instead of a screen that failed (a function component, so it can speak through the catalog). */
function ScreenFailed(props: { error: Error; onBack: () => void }) {
  const { t } = useI18n();
  return (
    <section className="screen-inner" aria-labelledby="screen-failed-title">
      <header className="screen-header">
        <h1 id="screen-failed-title">{t('shell.boundary.title')}</h1>
      </header>
      <div className="callout callout-error" role="alert">
        {/* The fault's own text is a bug's raw message: shown as it is, in any language. */}
        <p>{t('shell.boundary.message', { detail: props.error.message || props.error.name })}</p>
      </div>
      <div className="button-row">
        <a className="button primary" href="#/sends" onClick={props.onBack}>
          {t('shell.boundary.back')}
        </a>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          {t('shell.boundary.reload')}
        </button>
      </div>
    </section>
  );
}
