import { useCallback } from 'react';
import type { DataAtRest } from '../../../../shared/contract/app';
import { useApi } from '../../api/api-context';
import { ErrorCallout } from '../../components/error-callout';
import { useLoad } from '../../components/use-load';
import { useI18n } from '../../i18n/use-i18n';
import { EncryptionPanel } from './encryption-panel';
import { GuideSection } from './guide-section';
import { LanguageSection } from './language-section';
import { RetentionSection } from './retention-section';
import { TeamPanel } from './team-panel';

/**
 * Settings of this data dir, one card per section, each its own component (a new section is a
 * new file and one line here): the language, how long personal data is kept, and whether it is
 * encrypted.
 */
export function SettingsScreen() {
  const api = useApi();
  const { t, errorMessage } = useI18n();
  const loadDataAtRest = useCallback(async () => api.app.dataAtRest({}), [api]);
  const { value: current, error: loadError, reload } = useLoad<DataAtRest>(loadDataAtRest);

  return (
    <section className="screen-inner" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">{t('settings.title')}</h1>
        <p className="lead">{t('settings.lead')}</p>
      </header>
      <ErrorCallout message={loadError ? errorMessage(loadError) : null} />
      <LanguageSection />
      {current && <RetentionSection current={current} onChanged={reload} />}
      {current && <EncryptionPanel current={current} onChanged={reload} />}
      <TeamPanel />
      <GuideSection />
    </section>
  );
}
