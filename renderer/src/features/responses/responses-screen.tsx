import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useI18n } from '../../i18n/use-i18n';
import { navigate, routeParam } from '../../routes';
import { MailingReport } from './mailing-report';
import { MailingsTab } from './mailings-tab';
import { FilesTab, PullPanel } from './pull-panel';
import { ResponseGrid } from './response-grid';
import { parseIds, VIEW_CHOICES, type GridViewName } from './response-text';
import { SuppressionPanel } from './suppression-panel';

const TABS: readonly { readonly id: 'mailings' | 'data' | 'files' | 'suppression'; readonly label: MessageId }[] = [
  { id: 'mailings', label: 'responses.tab.mailings' },
  { id: 'data', label: 'responses.tab.data' },
  { id: 'files', label: 'responses.tab.files' },
  { id: 'suppression', label: 'responses.tab.suppression' },
];
type TabId = (typeof TABS)[number]['id'];

/** What the hash selects: `#/responses/<tab>[/…]`, e.g. `report/1,2` or `data/clicks_with_links/123`. */
interface Place {
  readonly tab: TabId;
  readonly reportIds: readonly string[];
  readonly view?: GridViewName;
  readonly mailingId?: string;
}

function placeFromHash(hash: string): Place {
  const parts = (routeParam(hash) ?? '').split('/');
  if (parts[0] === 'report') return { tab: 'mailings', reportIds: parseIds(parts[1] ?? '') };
  if (parts[0] === 'data') {
    const view = VIEW_CHOICES.find((v) => v.view === parts[1])?.view;
    const mailingId = /^\d{1,19}$/.test(parts[2] ?? '') ? parts[2] : undefined;
    return { tab: 'data', reportIds: [], view, mailingId };
  }
  const tab = TABS.find((x) => x.id === parts[0])?.id ?? 'mailings';
  return { tab, reportIds: [] };
}

function usePlace(): Place {
  const [place, setPlace] = useState<Place>(() => placeFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setPlace(placeFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return place;
}

/** Responses: pull the server's daily files, see each mailing's KPIs, browse and export the data, keep the suppression list. */
export function ResponsesScreen() {
  const { t } = useI18n();
  const place = usePlace();
  const [reloadKey, setReloadKey] = useState(0);
  // The pull panel's own "Pull now", for Browse's empty state to start the same pull.
  const startPull = useRef<(() => void) | null>(null);
  const tabRefs = useRef<Partial<Record<TabId, HTMLButtonElement | null>>>({});

  // Arrow keys move between tabs (WAI-ARIA tabs pattern, automatic activation).
  const onTabKey = (ev: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const next = ev.key === 'ArrowRight' ? index + 1 : ev.key === 'ArrowLeft' ? index - 1 : ev.key === 'Home' ? 0 : ev.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    ev.preventDefault();
    const tab = TABS[(next + TABS.length) % TABS.length];
    navigate('responses', tab.id);
    tabRefs.current[tab.id]?.focus();
  };

  return (
    <section className="screen-inner responses-screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">{t('responses.title')}</h1>
        <p className="lead">{t('responses.lead')}</p>
      </header>
      <PullPanel onPulled={() => setReloadKey((k) => k + 1)} startRef={startPull} />
      <div className="tabs" role="tablist" aria-label={t('responses.tabs')}>
        {TABS.map((tab, i) => (
          <button
            key={tab.id}
            ref={(el) => {
              tabRefs.current[tab.id] = el;
            }}
            type="button"
            role="tab"
            id={`responses-tab-${tab.id}`}
            aria-selected={place.tab === tab.id}
            aria-controls="responses-panel"
            tabIndex={place.tab === tab.id ? 0 : -1}
            className="tab"
            onClick={() => navigate('responses', tab.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t(tab.label)}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id="responses-panel" aria-labelledby={`responses-tab-${place.tab}`}>
        {place.tab === 'mailings' &&
          (place.reportIds.length > 0 ? <MailingReport key={place.reportIds.join(',')} mailingIds={place.reportIds} /> : <MailingsTab reloadKey={reloadKey} />)}
        {place.tab === 'data' && <ResponseGrid key={`${place.view ?? ''}/${place.mailingId ?? ''}/${reloadKey}`} initialView={place.view} initialMailingId={place.mailingId} onPull={() => startPull.current?.()} />}
        {place.tab === 'files' && <FilesTab reloadKey={reloadKey} />}
        {place.tab === 'suppression' && <SuppressionPanel />}
      </div>
    </section>
  );
}
