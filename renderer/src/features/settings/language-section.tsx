import { useId } from 'react';
import type { Locale } from '../../../../shared/i18n/locale';
import type { MessageId } from '../../../../shared/i18n/messages';
import { useLanguage } from '../../i18n/language-provider';
import { useI18n } from '../../i18n/use-i18n';

/** Each language by its own name, as a language menu shows it. */
const LANGUAGE_NAMES: Record<Locale, MessageId> = {
  en: 'settings.language.english',
  de: 'settings.language.german',
};

/**
 * The language of the app: switching re-renders every screen at once (no restart) and the
 * choice is kept in the data dir's settings. Until the operator chooses, the app follows the
 * system's language, and says so.
 */
export function LanguageSection() {
  const id = useId();
  const { t } = useI18n();
  const { language, chosen, setLanguage } = useLanguage();
  return (
    <section className="card settings-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('settings.language.title')}</h2>
      <div className="radio-row" role="radiogroup" aria-label={t('settings.language.legend')}>
        {(Object.keys(LANGUAGE_NAMES) as Locale[]).map((l) => (
          <label key={l} lang={l}>
            <input type="radio" name={`${id}-language`} value={l} checked={language === l} onChange={() => void setLanguage(l)} /> {t(LANGUAGE_NAMES[l])}
          </label>
        ))}
      </div>
      <p className="hint">{chosen ? t('settings.language.chosen') : t('settings.language.followsSystem', { language: t(LANGUAGE_NAMES[language]) })}</p>
    </section>
  );
}
