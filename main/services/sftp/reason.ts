import { isAppError } from '../../../shared/contract/result';
import type { MessageValues } from '../../../shared/i18n/messages';

/**
 * The values of a message that wraps another error (`The upload of {path} failed: {reason} …`).
 * `reason` is the inner error's English text (logs, the English client); where that error has a
 * catalog key, `reasonId` and `reasonValues` (its values as JSON) travel beside it, so a client
 * can show the inner sentence in its own language too. A system text (ssh2, OS) is the reason as it is.
 */
export function reasonValues(e: unknown): MessageValues {
  const reason = e instanceof Error ? e.message : String(e);
  if (isAppError(e) && e.messageId) return { reason, reasonId: e.messageId, reasonValues: JSON.stringify(e.values ?? {}) };
  return { reason };
}
