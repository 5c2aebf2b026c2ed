import { useEffect, useState, type ReactNode } from 'react';
import { ScreenErrorBoundary } from './components/error-boundary';
import { ProblemBanner } from './components/problem-banner';
import { SideNav } from './components/side-nav';
import { StatusBar } from './components/status-bar';
import { usePrefersDark } from './components/use-prefers-dark';
import { ActivityScreen } from './features/activity/activity-screen';
import { ConnectionsScreen } from './features/connections/connections-screen';
import { MailingsScreen } from './features/mailings/mailings-screen';
import { NewSendSessionProvider } from './features/new-send/handoff';
import { NewSendScreen } from './features/new-send/new-send-screen';
import { ResponsesScreen } from './features/responses/responses-screen';
import { SendNotifier } from './features/sends/send-notifications';
import { SendsScreen } from './features/sends/sends-screen';
import { SettingsScreen } from './features/settings/settings-screen';
import { useI18n } from './i18n/use-i18n';
import { ROUTES, routeFromHash, type RouteId } from './routes';

const SCREENS: Record<RouteId, () => ReactNode> = {
  connections: () => <ConnectionsScreen />,
  mailings: () => <MailingsScreen />,
  'new-send': () => <NewSendScreen />,
  sends: () => <SendsScreen />,
  responses: () => <ResponsesScreen />,
  activity: () => <ActivityScreen />,
  settings: () => <SettingsScreen />,
};

/** Tracks the screen in the URL hash, which works from file:// as well as http://. */
function useRoute(): RouteId {
  const { t } = useI18n();
  const [route, setRoute] = useState<RouteId>(() => routeFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  useEffect(() => {
    const label = ROUTES.find((r) => r.id === route)?.label;
    document.title = label ? t('shell.documentTitle', { screen: t(label) }) : t('shell.nav.brand');
  }, [route, t]);
  return route;
}

/** The application shell: skip link, navigation, the current screen, problems and the status bar. */
export function App() {
  const route = useRoute();
  const { t } = useI18n();
  const dark = usePrefersDark();
  useEffect(() => {
    // AG Grid's theming API picks its light or dark parameters from this attribute.
    document.body.dataset.agThemeMode = dark ? 'dark' : 'light';
  }, [dark]);
  return (
    <NewSendSessionProvider>
      <div className="shell">
        <a className="skip-link" href="#main" onClick={focusMain}>
          {t('shell.skipLink')}
        </a>
        <SideNav current={route} />
        <SendNotifier />
        <div className="shell-body">
          <ProblemBanner />
          <main id="main" className="screen" tabIndex={-1} aria-live="off">
            {/* Keyed by screen: a fault on one screen does not follow the operator to the next. */}
            <ScreenErrorBoundary key={route}>{SCREENS[route]()}</ScreenErrorBoundary>
          </main>
          <StatusBar />
        </div>
      </div>
    </NewSendSessionProvider>
  );
}

// The hash is our router, so the skip link moves focus itself instead of navigating.
function focusMain(ev: React.MouseEvent<HTMLAnchorElement>): void {
  ev.preventDefault();
  document.getElementById('main')?.focus();
}
