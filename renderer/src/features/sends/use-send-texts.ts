import { useMemo } from 'react';
import type { CatalogText } from '../../../../shared/contract/catalog-text';
import { useI18n } from '../../i18n/use-i18n';
import { catalogSentence } from './catalog-sentence';

/**
 * The app's formatting (`useI18n`) plus `sayStep`, which puts a sentence a service produced
 * (timeline step, send error) into the chosen language, inner reasons included.
 */
export function useSendTexts() {
  const i18n = useI18n();
  return useMemo(() => ({ ...i18n, sayStep: (text: CatalogText | null | undefined, english: string) => catalogSentence(i18n.t, text, english) }), [i18n]);
}
