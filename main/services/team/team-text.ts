import type { CatalogText } from '../../../shared/contract/catalog-text';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId, MessageValues } from '../../../shared/i18n/messages';

/** A sentence of team mode as its catalog key and values, with the English text for logs and the shared journal. */
export interface TeamText {
  readonly id: MessageId;
  readonly values: MessageValues;
  readonly message: string;
  /** The key and values as the shared journal keeps them (see team-events.ts). */
  readonly text: CatalogText;
}

/** Builds a {@link TeamText} from the catalog (English for `message`). */
export function teamText(id: MessageId, values: MessageValues = {}): TeamText {
  return { id, values, message: appIntl('en').formatMessage({ id }, values), text: { id, values: { ...values } } };
}
