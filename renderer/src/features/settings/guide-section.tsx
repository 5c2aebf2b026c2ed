import { useId } from 'react';
import { useI18n } from '../../i18n/use-i18n';
import { navigate } from '../../routes';
import { showFirstRunGuideAgain } from '../shell/first-run';

/** The way back to the first-run guide ("Where to start") once it was hidden: it opens on Connections. */
export function GuideSection() {
  const id = useId();
  const { t } = useI18n();
  return (
    <section className="card settings-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('settings.guide.title')}</h2>
      <p className="hint">{t('settings.guide.text')}</p>
      <div className="button-row">
        <button
          type="button"
          className="button"
          onClick={() => {
            showFirstRunGuideAgain();
            navigate('connections');
          }}
        >
          {t('settings.guide.show')}
        </button>
      </div>
    </section>
  );
}
