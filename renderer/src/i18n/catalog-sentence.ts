import type { CatalogText } from '../../../shared/contract/catalog-text';
import { withReason } from '../../../shared/i18n/error-text';
import { EN_MESSAGES, type MessageId } from '../../../shared/i18n/messages';

/** Formats one catalog message (react-intl's or FormatJS's `formatMessage`, bound to a language). */
export type FormatMessage = (id: MessageId, values?: Record<string, string | number>) => string;

/**
 * A sentence a service produced (timeline step, send error) in the reader's language, `english`
 * where it predates the catalog. A sentence that wraps another error (`Interrupted: {reason} …`)
 * carries that error's own key in `reasonId` and its values as JSON in `reasonValues`
 * (main/services/sftp/reason.ts): the inner sentence is put in the same language first
 * (`withReason`, as service errors are), so a German window never shows an English reason
 * inside a German frame.
 */
export function catalogSentence(format: FormatMessage, text: CatalogText | null | undefined, english: string): string {
  if (!text || !(text.id in EN_MESSAGES)) return english;
  const formatter = { locale: '', formatMessage: (d: { id: MessageId }, values?: Record<string, string | number>) => format(d.id, values) };
  return format(text.id as MessageId, withReason(formatter, text.values));
}
