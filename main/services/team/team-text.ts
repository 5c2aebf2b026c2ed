import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId, MessageValues } from '../../../shared/i18n/messages';

/** A sentence of team mode as its catalog key and values, with the English text for logs and the shared journal. */
export interface TeamText {
  readonly id: MessageId;
  readonly values: MessageValues;
  readonly message: string;
}

/** Builds a {@link TeamText} from the catalog (English for `message`). */
export function teamText(id: MessageId, values: MessageValues = {}): TeamText {
  return { id, values, message: appIntl('en').formatMessage({ id }, values) };
}
