import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createIntl, createIntlCache, RawIntlProvider } from 'react-intl';
import type { Api } from '../../../shared/contract';
import { subscribeEvent, type Transport } from '../../../shared/contract/client';
import { reportIntlError } from '../../../shared/i18n/intl';
import { withLocalNumbers } from '../../../shared/i18n/local-numbers';
import { intlTag, localeFromTag, type Locale } from '../../../shared/i18n/locale';
import { MESSAGES } from '../../../shared/i18n/messages';

interface LanguageContextValue {
  readonly language: Locale;
  /** True once the operator chose the language in Settings (else it follows the system). */
  readonly chosen: boolean;
  /** Switches every screen at once and keeps the choice for the next start. */
  setLanguage(language: Locale): Promise<void>;
}

const LanguageContext = createContext<LanguageContextValue | null>(null);

const intlCache = createIntlCache();

/** The react-intl `intl` of one language; numbers in simple arguments are written for the locale (`local-numbers.ts`). */
export function rendererIntl(language: Locale) {
  return withLocalNumbers(createIntl({ locale: intlTag(language), messages: MESSAGES[language], defaultLocale: 'en-GB', onError: reportIntlError }, intlCache));
}

/**
 * Gives every screen its language: the one chosen in Settings (kept in the data dir's
 * settings), else the system's (`navigator.language`: German for `de-*`, else English).
 * Without a host yet (the connection failed) it speaks the system's language. A choice made
 * in another window or from the CLI arrives as `app.onLanguage` and switches this one too.
 */
export function LanguageProvider(props: { api: Api | null; subscribe?: Transport['subscribe']; children: ReactNode }) {
  const { api, subscribe } = props;
  const system = typeof navigator === 'undefined' ? undefined : navigator.language;
  const [state, setState] = useState<{ language: Locale; chosen: boolean }>(() => ({ language: localeFromTag(system), chosen: false }));

  useEffect(() => {
    if (!api) return;
    let live = true;
    void api.app.language({ system }).then((r) => {
      if (live && r.ok) setState(r.value);
    });
    const stop = subscribe ? subscribeEvent({ subscribe }, 'app.onLanguage', (choice) => setState(choice)) : undefined;
    return () => {
      live = false;
      stop?.();
    };
  }, [api, subscribe, system]);

  useEffect(() => {
    document.documentElement.lang = intlTag(state.language);
  }, [state.language]);

  const setLanguage = useCallback(
    async (language: Locale) => {
      setState({ language, chosen: true });
      if (api) {
        const r = await api.app.setLanguage({ language });
        if (r.ok) setState(r.value);
      }
    },
    [api],
  );

  const value = useMemo(() => ({ ...state, setLanguage }), [state, setLanguage]);
  const intl = useMemo(() => rendererIntl(state.language), [state.language]);
  return (
    <LanguageContext.Provider value={value}>
      <RawIntlProvider value={intl}>{props.children}</RawIntlProvider>
    </LanguageContext.Provider>
  );
}

/** The current language and the way to change it (Settings). */
export function useLanguage(): LanguageContextValue {
  const ctx = useContext(LanguageContext);
  if (!ctx) throw new Error('useLanguage used outside LanguageProvider');
  return ctx;
}
