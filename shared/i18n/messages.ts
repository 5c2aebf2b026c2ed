/**
 * The message catalogs, one JSON file per area and language (`catalog/<lang>/<area>.json`,
 * flat keys that start with the area: `sends.title`). English is the source; every key must
 * exist in both languages (`test/unit/i18n/catalog.test.ts` checks that, that each message is
 * valid ICU with the same placeholders in both, and that every key is used somewhere).
 * Add an area by adding its two files here.
 */
import en_activity from './catalog/en/activity.json' with { type: 'json' };
import en_check from './catalog/en/check.json' with { type: 'json' };
import en_cli from './catalog/en/cli.json' with { type: 'json' };
import en_common from './catalog/en/common.json' with { type: 'json' };
import en_connections from './catalog/en/connections.json' with { type: 'json' };
import en_encryption from './catalog/en/encryption.json' with { type: 'json' };
import en_error from './catalog/en/error.json' with { type: 'json' };
import en_error_host from './catalog/en/error-host.json' with { type: 'json' };
import en_error_profiles from './catalog/en/error-profiles.json' with { type: 'json' };
import en_error_recipients from './catalog/en/error-recipients.json' with { type: 'json' };
import en_error_responses from './catalog/en/error-responses.json' with { type: 'json' };
import en_error_sandbox from './catalog/en/error-sandbox.json' with { type: 'json' };
import en_error_sends from './catalog/en/error-sends.json' with { type: 'json' };
import en_error_sftp from './catalog/en/error-sftp.json' with { type: 'json' };
import en_error_store from './catalog/en/error-store.json' with { type: 'json' };
import en_error_team from './catalog/en/error-team.json' with { type: 'json' };
import en_format from './catalog/en/format.json' with { type: 'json' };
import en_grid from './catalog/en/grid.json' with { type: 'json' };
import en_host from './catalog/en/host.json' with { type: 'json' };
import en_kpi from './catalog/en/kpi.json' with { type: 'json' };
import en_mailings from './catalog/en/mailings.json' with { type: 'json' };
import en_new_send from './catalog/en/new-send.json' with { type: 'json' };
import en_report from './catalog/en/report.json' with { type: 'json' };
import en_responses from './catalog/en/responses.json' with { type: 'json' };
import en_sends from './catalog/en/sends.json' with { type: 'json' };
import en_settings from './catalog/en/settings.json' with { type: 'json' };
import en_shell from './catalog/en/shell.json' with { type: 'json' };
import en_team from './catalog/en/team.json' with { type: 'json' };
import de_activity from './catalog/de/activity.json' with { type: 'json' };
import de_check from './catalog/de/check.json' with { type: 'json' };
import de_cli from './catalog/de/cli.json' with { type: 'json' };
import de_common from './catalog/de/common.json' with { type: 'json' };
import de_connections from './catalog/de/connections.json' with { type: 'json' };
import de_encryption from './catalog/de/encryption.json' with { type: 'json' };
import de_error from './catalog/de/error.json' with { type: 'json' };
import de_error_host from './catalog/de/error-host.json' with { type: 'json' };
import de_error_profiles from './catalog/de/error-profiles.json' with { type: 'json' };
import de_error_recipients from './catalog/de/error-recipients.json' with { type: 'json' };
import de_error_responses from './catalog/de/error-responses.json' with { type: 'json' };
import de_error_sandbox from './catalog/de/error-sandbox.json' with { type: 'json' };
import de_error_sends from './catalog/de/error-sends.json' with { type: 'json' };
import de_error_sftp from './catalog/de/error-sftp.json' with { type: 'json' };
import de_error_store from './catalog/de/error-store.json' with { type: 'json' };
import de_error_team from './catalog/de/error-team.json' with { type: 'json' };
import de_format from './catalog/de/format.json' with { type: 'json' };
import de_grid from './catalog/de/grid.json' with { type: 'json' };
import de_host from './catalog/de/host.json' with { type: 'json' };
import de_kpi from './catalog/de/kpi.json' with { type: 'json' };
import de_mailings from './catalog/de/mailings.json' with { type: 'json' };
import de_new_send from './catalog/de/new-send.json' with { type: 'json' };
import de_report from './catalog/de/report.json' with { type: 'json' };
import de_responses from './catalog/de/responses.json' with { type: 'json' };
import de_sends from './catalog/de/sends.json' with { type: 'json' };
import de_settings from './catalog/de/settings.json' with { type: 'json' };
import de_shell from './catalog/de/shell.json' with { type: 'json' };
import de_team from './catalog/de/team.json' with { type: 'json' };
import type { Locale } from './locale';

/** Every English message, by key. */
export const EN_MESSAGES = {
  ...en_activity,
  ...en_check,
  ...en_cli,
  ...en_common,
  ...en_connections,
  ...en_encryption,
  ...en_error,
  ...en_error_host,
  ...en_error_profiles,
  ...en_error_recipients,
  ...en_error_responses,
  ...en_error_sandbox,
  ...en_error_sends,
  ...en_error_sftp,
  ...en_error_store,
  ...en_error_team,
  ...en_format,
  ...en_grid,
  ...en_host,
  ...en_kpi,
  ...en_mailings,
  ...en_new_send,
  ...en_report,
  ...en_responses,
  ...en_sends,
  ...en_settings,
  ...en_shell,
  ...en_team,
} as const;

/** The key of one message in the catalog. */
export type MessageId = keyof typeof EN_MESSAGES;

/** The key of a message an {@link AppError} carries (`error.*`). */
export type ErrorMessageId = Extract<MessageId, `error.${string}`>;

const DE_MESSAGES: Record<string, string> = {
  ...de_activity,
  ...de_check,
  ...de_cli,
  ...de_common,
  ...de_connections,
  ...de_encryption,
  ...de_error,
  ...de_error_host,
  ...de_error_profiles,
  ...de_error_recipients,
  ...de_error_responses,
  ...de_error_sandbox,
  ...de_error_sends,
  ...de_error_sftp,
  ...de_error_store,
  ...de_error_team,
  ...de_format,
  ...de_grid,
  ...de_host,
  ...de_kpi,
  ...de_mailings,
  ...de_new_send,
  ...de_report,
  ...de_responses,
  ...de_sends,
  ...de_settings,
  ...de_shell,
  ...de_team,
};

/** The messages of one language (a key missing in German falls back to English; the catalog test forbids that). */
export const MESSAGES: Record<Locale, Record<string, string>> = {
  en: EN_MESSAGES,
  de: { ...EN_MESSAGES, ...DE_MESSAGES },
};

/** The files of each language, by area, for the catalog checks. */
export const CATALOG_FILES: Record<Locale, Record<string, Record<string, string>>> = {
  en: {
    'activity': en_activity,
    'check': en_check,
    'cli': en_cli,
    'common': en_common,
    'connections': en_connections,
    'encryption': en_encryption,
    'error': en_error,
    'error-host': en_error_host,
    'error-profiles': en_error_profiles,
    'error-recipients': en_error_recipients,
    'error-responses': en_error_responses,
    'error-sandbox': en_error_sandbox,
    'error-sends': en_error_sends,
    'error-sftp': en_error_sftp,
    'error-store': en_error_store,
    'error-team': en_error_team,
    'format': en_format,
    'grid': en_grid,
    'host': en_host,
    'kpi': en_kpi,
    'mailings': en_mailings,
    'new-send': en_new_send,
    'report': en_report,
    'responses': en_responses,
    'sends': en_sends,
    'settings': en_settings,
    'shell': en_shell,
    'team': en_team,
  },
  de: {
    'activity': de_activity,
    'check': de_check,
    'cli': de_cli,
    'common': de_common,
    'connections': de_connections,
    'encryption': de_encryption,
    'error': de_error,
    'error-host': de_error_host,
    'error-profiles': de_error_profiles,
    'error-recipients': de_error_recipients,
    'error-responses': de_error_responses,
    'error-sandbox': de_error_sandbox,
    'error-sends': de_error_sends,
    'error-sftp': de_error_sftp,
    'error-store': de_error_store,
    'error-team': de_error_team,
    'format': de_format,
    'grid': de_grid,
    'host': de_host,
    'kpi': de_kpi,
    'mailings': de_mailings,
    'new-send': de_new_send,
    'report': de_report,
    'responses': de_responses,
    'sends': de_sends,
    'settings': de_settings,
    'shell': de_shell,
    'team': de_team,
  },
};

/** Placeholder values of a message: ICU formats numbers and dates (epoch milliseconds) itself. */
export type MessageValues = Readonly<Record<string, string | number>>;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace FormatjsIntl {
    /** Makes `intl.formatMessage({ id })` accept only keys of the catalog. */
    interface Message {
      ids: MessageId;
    }
  }
}
