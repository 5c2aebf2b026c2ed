import { isLocale, localeFromTag, type Locale } from '../../shared/i18n/locale';
import type { LanguageChoice } from '../../shared/contract/app';
import type { Settings } from '../services/store/settings';

/** The settings-file key of the language the operator chose in Settings. */
export const LANGUAGE_SETTING = 'ui.language';

/**
 * The system's language as a Node process sees it: `LC_ALL`, `LC_MESSAGES` or `LANG`
 * (`de_DE.UTF-8`), else the `Intl` default. The Electron host passes `app.getLocale()` instead.
 */
export function systemLocaleTag(env: NodeJS.ProcessEnv = process.env): string {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const value = env[name];
    if (value && value !== 'C' && value !== 'POSIX') return value;
  }
  return Intl.DateTimeFormat().resolvedOptions().locale;
}

/** The language chosen in Settings, else the one `system` names. */
export function languageChoice(settings: Settings, system: string | undefined): LanguageChoice {
  const chosen = settings.get<unknown>(LANGUAGE_SETTING);
  return isLocale(chosen) ? { language: chosen, chosen: true } : { language: localeFromTag(system ?? systemLocaleTag()), chosen: false };
}

/** The language main's own texts (tray, menus, notifications, reports without a caller's choice) use. */
export function mainLanguage(settings: Settings, system?: string): Locale {
  return languageChoice(settings, system).language;
}
