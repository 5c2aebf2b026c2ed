import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import { MESSAGES } from './messages';
import { intlTag, type Locale } from './locale';
import { withLocalNumbers } from './local-numbers';

/** The formatting object of one language: `formatMessage`, `formatNumber`, `formatDate` … (FormatJS). */
export type AppIntl = IntlShape<string>;

const cache = createIntlCache();
const made = new Map<Locale, AppIntl>();

/**
 * The FormatJS `intl` object for `locale`, with the catalog. Main, the CLI and tests use this;
 * the renderer gets the same thing from react-intl's `IntlProvider` (see `renderer/src/i18n`).
 * A message that fails to format is reported on stderr and shown by its key, never thrown.
 * A number in a simple argument (`{seconds}`) is written for the locale (see `local-numbers.ts`).
 */
export function appIntl(locale: Locale): AppIntl {
  let intl = made.get(locale);
  if (!intl) {
    intl = withLocalNumbers(createIntl({ locale: intlTag(locale), messages: MESSAGES[locale], onError: reportIntlError }, cache));
    made.set(locale, intl);
  }
  return intl;
}

/** Options every `intl` of the app is created with (react-intl's provider takes them too). */
export function reportIntlError(error: { code?: string; message: string }): void {
  // A missing Intl locale in a minimal ICU build only means English number shapes: not worth a line.
  if (error.code === 'MISSING_DATA') return;
  console.error(`[i18n] ${error.message}`);
}
