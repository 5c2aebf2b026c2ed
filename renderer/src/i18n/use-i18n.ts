import { useMemo } from 'react';
import { useIntl } from 'react-intl';
import { errorText } from '../../../shared/i18n/error-text';
import { formats } from '../../../shared/i18n/formats';
import type { MessageId } from '../../../shared/i18n/messages';
import type { AppErrorInfo } from '../../../shared/contract/result';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import { catalogSentence } from './catalog-sentence';

/** Placeholder values of a message; React nodes are allowed where the message wraps text in a tag (`<b>…</b>`). */
export type RenderValues = Record<string, string | number | ((chunks: React.ReactNode[]) => React.ReactNode)>;

/**
 * The one way screens speak: `t('sends.title')`, `t('check.rows', { count })` for text,
 * `fmt.dateTime(iso)`, `fmt.number(n)`, `fmt.percent(r)`, `fmt.bytes(n)` for values, and
 * `errorMessage(result.error)` for a service error, all in the chosen language.
 */
export function useI18n() {
  const intl = useIntl();
  return useMemo(() => {
    function t(id: MessageId, values?: Record<string, string | number>): string {
      return intl.formatMessage({ id }, values);
    }
    /** A message with tags (`Send <b>{name}</b> now?`) rendered as React nodes. */
    function rich(id: MessageId, values: RenderValues): React.ReactNode {
      return intl.formatMessage({ id }, values as never) as React.ReactNode;
    }
    return {
      t,
      rich,
      fmt: formats(intl),
      /**
       * A sentence a service produced (activity entry, timeline step) in this language, with a
       * wrapped error's sentence (`reasonId`/`reasonValues`) in this language too; `english`
       * where it predates the catalog.
       */
      say: (text: CatalogText | null | undefined, english: string) => catalogSentence(t, text, english),
      errorMessage: (error: Pick<AppErrorInfo, 'code' | 'message'> & { messageId?: string; values?: Readonly<Record<string, string | number>>; details?: unknown }) => errorText(intl, error),
      locale: intl.locale,
    };
  }, [intl]);
}

/** What {@link useI18n} returns, for helpers that take it as an argument. */
export type I18n = ReturnType<typeof useI18n>;
