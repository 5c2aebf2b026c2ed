import type { AppErrorInfo } from '../../../../shared/contract/result';
import type { I18n } from '../../i18n/use-i18n';
import { operatorWords } from './draft-model';

/**
 * Why a recipient file or product catalog cannot be used, kept as data (not as text) so the
 * callout speaks the current language and follows a language switch.
 */
export type FileProblem =
  /** The service refused the file; `hostPath` is the host's copy, shown as `shownName`. */
  | { readonly kind: 'service'; readonly error: AppErrorInfo; readonly hostPath: string; readonly shownName: string }
  /** The file has a header row and nothing below it. */
  | { readonly kind: 'noRows'; readonly fileName: string; readonly headers: readonly string[] }
  /** The file could not be handed to the host (the browser's own words). */
  | { readonly kind: 'thrown'; readonly message: string };

/**
 * The message of a {@link FileProblem} in the reader's language. A service error names the
 * host's copy of the file (the browser host keeps uploads in its data dir): every value that
 * holds that path names the file the operator chose instead.
 */
export function fileErrorText(problem: FileProblem, i18n: Pick<I18n, 't' | 'errorMessage'>): string {
  if (problem.kind === 'thrown') return problem.message;
  if (problem.kind === 'noRows') {
    const shown = problem.headers.slice(0, 6).join(', ') + (problem.headers.length > 6 ? ', …' : '');
    return i18n.t('newSend.file.headersOnly', { fileName: problem.fileName, headers: shown });
  }
  const { error, hostPath, shownName } = problem;
  if (!shownName) return i18n.errorMessage(error);
  const values = error.values
    ? Object.fromEntries(Object.entries(error.values).map(([k, v]) => [k, typeof v === 'string' ? v.split(hostPath).join(shownName) : v]))
    : undefined;
  return i18n.errorMessage({ ...error, values, message: operatorWords(error.message, hostPath, shownName) });
}
