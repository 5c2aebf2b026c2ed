import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from '../../shared/contract/client';
import { ApiProvider } from './api/api-context';
import { connectToHost, HostConnectionError } from './api/connect';
import { installGlobalErrorHandlers, ProblemReporter, withProblemReporting } from './api/error-reporting';
import { App } from './app';
import { ConnectionFailure, type ConnectionProblem } from './components/connection-failure';
import { LanguageProvider } from './i18n/language-provider';
import './styles.css';

async function start(): Promise<void> {
  const rootElement = document.getElementById('root');
  if (!rootElement) throw new Error('index.html lacks #root');
  const root = createRoot(rootElement);
  const reporter = new ProblemReporter();
  installGlobalErrorHandlers(reporter);
  try {
    const host = await connectToHost();
    host.onLost(() => reporter.report('shell.lost.title', { id: 'shell.lost.message' }));
    const transport = withProblemReporting(host.transport, reporter);
    const api = createApi(transport);
    const subscribe = transport.subscribe.bind(transport);
    root.render(
      <StrictMode>
        <LanguageProvider api={api} subscribe={subscribe}>
          <ApiProvider api={api} reporter={reporter} subscribe={subscribe}>
            <App />
          </ApiProvider>
        </LanguageProvider>
      </StrictMode>,
    );
  } catch (e) {
    // Without a host the window speaks the system's language; the reason stays a key until then.
    const problem: ConnectionProblem =
      e instanceof HostConnectionError ? { id: e.messageId } : { id: 'shell.failure.startFailed', values: { reason: e instanceof Error ? e.message : String(e) } };
    root.render(
      <LanguageProvider api={null}>
        <ConnectionFailure problem={problem} />
      </LanguageProvider>,
    );
  }
}

void start();
