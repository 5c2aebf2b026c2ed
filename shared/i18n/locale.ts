/** The languages Loopdesk speaks. English is the source language of every message. */
export const LOCALES = ['en', 'de'] as const;

/** One of {@link LOCALES}. */
export type Locale = (typeof LOCALES)[number];

/** The language a new installation starts in: German for any `de-*` tag (or `de_DE.UTF-8`), else English. */
export function localeFromTag(tag: string | null | undefined): Locale {
  return /^de(?:[-_.]|$)/i.test((tag ?? '').trim()) ? 'de' : 'en';
}

/**
 * The BCP 47 tag `Intl` formats with: British English (day before month, 24-hour clock,
 * as operators in Europe read them) and German as written in Germany.
 */
export function intlTag(locale: Locale): string {
  return locale === 'de' ? 'de-DE' : 'en-GB';
}

/** True for a value that names one of {@link LOCALES}. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}
