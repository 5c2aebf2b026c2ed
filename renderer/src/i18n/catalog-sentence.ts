import type { CatalogText } from '../../../shared/contract/catalog-text';
import { EN_MESSAGES, type MessageId } from '../../../shared/i18n/messages';

/** Formats one catalog message (react-intl's or FormatJS's `formatMessage`, bound to a language). */
export type FormatMessage = (id: MessageId, values?: Record<string, string | number>) => string;

/**
 * A sentence a service produced (timeline step, send error) in the reader's language, `english`
 * where it predates the catalog. A sentence that wraps another error (`Interrupted: {reason} …`)
 * carries that error's own key in `reasonId` and its values as JSON in `reasonValues`
 * (main/services/sftp/reason.ts): the inner sentence is put in the same language first, so a
 * German window never shows an English reason inside a German frame.
 */
export function catalogSentence(format: FormatMessage, text: CatalogText | null | undefined, english: string): string {
  if (!text || !(text.id in EN_MESSAGES)) return english;
  const values: Record<string, string | number> = { ...text.values };
  if (typeof values.reasonId === 'string') {
    let inner: CatalogText['values'] = {};
    try {
      inner = JSON.parse(String(values.reasonValues ?? '{}')) as CatalogText['values'];
    } catch {
      // Unreadable inner values: the English reason stays as it was written.
    }
    values.reason = catalogSentence(format, { id: values.reasonId, values: inner }, String(values.reason ?? ''));
  }
  return format(text.id as MessageId, values);
}
