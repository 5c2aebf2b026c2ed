import { useMemo, type ReactNode } from 'react';
import type { CatalogText } from '../../../../shared/contract/catalog-text';
import { useI18n } from '../../i18n/use-i18n';
import { catalogSentence } from '../../i18n/catalog-sentence';

/**
 * The app's formatting (`useI18n`) plus the sentences services produced (timeline steps, send
 * errors) in the chosen language: `say` as text, `stepNode` for the page, where the words
 * the server or the system wrote themselves (a `reason` without a catalog key) are marked as
 * English, so screen readers say them right and the language checks know them as data.
 */
export function useSendTexts() {
  const i18n = useI18n();
  return useMemo(() => {
    const stepNode = (text: CatalogText | null | undefined, english: string): ReactNode => {
      const reason = text?.values.reason;
      if (!text || typeof reason !== 'string' || typeof text.values.reasonId === 'string') return i18n.say(text, english);
      const foreign = (
        <span lang="en" className="server-words">
          {reason}
        </span>
      );
      return catalogSentence((id, values) => i18n.rich(id, { ...values, reason: foreign } as never) as string, text, english);
    };
    return { ...i18n, stepNode };
  }, [i18n]);
}
