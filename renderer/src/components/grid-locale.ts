import { AG_GRID_LOCALE_DE, AG_GRID_LOCALE_EN } from '@ag-grid-community/locale';
import type { Locale } from '../../../shared/i18n/locale';
import type { I18n } from '../i18n/use-i18n';

/** AG Grid's own texts (filter menus, "Contains", overlays, aria labels) per language. */
const GRID_LOCALE: Readonly<Record<Locale, Readonly<Record<string, string>>>> = { en: AG_GRID_LOCALE_EN, de: AG_GRID_LOCALE_DE };

/**
 * The `localeText` of every grid: AG Grid's own texts in the window's language, with ours where
 * its German is not what an operator reads ("Filtereingabe", not "Filtereingang") and the day
 * form the date boxes take. One place, so no grid is left with English or odd words. A grid
 * reads it once: key the grid by language so a switch draws it anew.
 */
export function gridLocaleText(language: Locale, t: I18n['t']): Record<string, string> {
  return { ...GRID_LOCALE[language], dateFormatOoo: t('grid.dateFormat'), ariaFilterInput: t('grid.filterInput'), ariaDateFilterInput: t('grid.dateFilterInput') };
}
