import { LANGUAGE_SETTING, languageChoice } from '../../app/language';
import { isLocale, type Locale } from '../../../shared/i18n/locale';
import { DATA_AT_REST_SETTINGS, readDataAtRestSettings } from '../../services/store/retention';
import { openSettings } from '../../services/store/settings';
import { newDataKeyBase64 } from '../../services/store/data-key';
import type { DataAtRest, LanguageChoice, RetentionOutcome } from '../../../shared/contract/app';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions, type Usage } from '../cli-io';
import { cliText, helpColumns, type CliText } from '../cli-text';
import { call, ownerDoor } from '../door';

const USAGE: Usage = (c) =>
  helpColumns(
    [
      ['loopdesk settings show'],
      ['loopdesk settings set encrypt true|false', c.t('cli.settings.usage.encrypt')],
      ['loopdesk settings set retention-days N', c.t('cli.settings.usage.retention')],
      ['loopdesk settings set language de|en', c.t('cli.settings.usage.language')],
      ['loopdesk settings new-data-key', c.t('cli.settings.usage.dataKey')],
    ],
    '',
    46,
  );

/** The language's own name in the reader's language. */
function languageName(language: Locale, c: CliText): string {
  return language === 'de' ? c.t('cli.settings.language.de') : c.t('cli.settings.language.en');
}

/** The `settings show` lines (and `--json` object) of the data-at-rest settings and the language. */
function showSettings(current: DataAtRest, language: LanguageChoice, json: boolean | undefined, c: CliText): string {
  if (json) return JSON.stringify({ ...current, language: language.language, languageChosen: language.chosen });
  return [
    c.t('cli.settings.show.encrypt', { value: String(current.encrypt) }),
    current.retentionDays === 0 ? c.t('cli.settings.show.keepAll') : c.t('cli.settings.show.retention', { days: current.retentionDays }),
    language.chosen ? c.t('cli.settings.show.language', { language: language.language }) : c.t('cli.settings.show.languageSystem', { language: language.language }),
  ].join('\n');
}

/**
 * `loopdesk settings …`: data-at-rest settings and the app's language. Without a running
 * Loopdesk they go into the settings file and take effect at the next start (the data file is
 * not opened: with encryption on and no key it could not be). While the app or `loopdesk serve`
 * owns the data dir, retention and the language go through it and apply at once.
 */
export async function settingsCommand(argv: string[], options: GlobalOptions, io: CliIo): Promise<number> {
  const [sub, key, value] = argv;
  const settings = openSettings(options.dataDir);
  const c = cliText(options.lang);
  const viaOwner = sub === 'show' || (sub === 'set' && ((key === 'retention-days' && /^\d{1,5}$/.test(value ?? '')) || (key === 'language' && isLocale(value))));
  const owner = viaOwner ? await ownerDoor(options) : undefined;
  if (owner) {
    try {
      if (sub === 'show') {
        const current = await call<DataAtRest>(owner, 'app.dataAtRest', {});
        io.out(showSettings(current, await call<LanguageChoice>(owner, 'app.language', {}), options.json, c));
        return 0;
      }
      if (key === 'language') {
        // Through the running Loopdesk, so its windows switch at once.
        const choice = await call<LanguageChoice>(owner, 'app.setLanguage', { language: value });
        io.out(options.json ? JSON.stringify(choice) : c.t('cli.settings.languageApplied', { language: languageName(choice.language, c) }));
        return 0;
      }
      const outcome = await call<RetentionOutcome>(owner, 'app.setRetention', { days: Number(value) });
      io.out(options.json ? JSON.stringify(outcome) : outcome.cutoff ? c.t('cli.settings.appliedCutoff', { cutoff: c.fmt.dateTime(outcome.cutoff) }) : c.t('cli.settings.applied'));
      return 0;
    } finally {
      await owner.close();
    }
  }
  switch (sub) {
    case 'show': {
      const atRest = readDataAtRestSettings(settings);
      // No Loopdesk runs: the settings file is what the next start does.
      io.out(showSettings({ ...atRest, encryptAfterRestart: atRest.encrypt, restartable: false }, languageChoice(settings, undefined), options.json, c));
      return 0;
    }
    case 'set':
      if (key === 'encrypt' && (value === 'true' || value === 'false')) {
        settings.set(DATA_AT_REST_SETTINGS.encrypt, value === 'true');
      } else if (key === 'retention-days' && /^\d{1,5}$/.test(value ?? '')) {
        settings.set(DATA_AT_REST_SETTINGS.retentionDays, Number(value));
      } else if (key === 'language' && isLocale(value)) {
        settings.set(LANGUAGE_SETTING, value);
        io.out(options.json ? JSON.stringify({ saved: true, language: value }) : c.t('cli.settings.languageSaved', { language: languageName(value, c) }));
        return 0;
      } else {
        throw CliError.usage(USAGE, EXIT_USAGE);
      }
      io.out(options.json ? JSON.stringify({ saved: true, [key]: key === 'encrypt' ? value === 'true' : Number(value), takesEffect: 'next start' }) : c.t('cli.settings.savedNextStart'));
      return 0;
    case 'new-data-key':
      io.out(options.json ? JSON.stringify({ key: newDataKeyBase64() }) : newDataKeyBase64());
      return 0;
    default:
      throw CliError.usage(USAGE, sub ? EXIT_USAGE : 0);
  }
}
