import { appIntl } from './intl';
import type { MessageId, MessageValues } from './messages';

/**
 * A sentence built where no `intl` of the reader is at hand (a check shared by the form and the
 * contract): its key and values, for the client to show in its language.
 */
export interface CatalogMessage {
  readonly id: MessageId;
  readonly values?: MessageValues;
}

/** The English text of a {@link CatalogMessage}: for logs, `--json` and contract issues. */
export function englishText(message: CatalogMessage): string {
  return appIntl('en').formatMessage({ id: message.id }, message.values);
}
