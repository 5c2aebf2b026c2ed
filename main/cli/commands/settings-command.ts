import { LANGUAGE_SETTING, languageChoice } from '../../app/language';
import { isLocale } from '../../../shared/i18n/locale';
import { DATA_AT_REST_SETTINGS, readDataAtRestSettings } from '../../services/store/retention';
import { openSettings } from '../../services/store/settings';
import { newDataKeyBase64 } from '../../services/store/data-key';
import type { DataAtRest, LanguageChoice, RetentionOutcome } from '../../../shared/contract/app';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions } from '../cli-io';
import { call, ownerDoor } from '../door';

const USAGE = `loopdesk settings show
loopdesk settings set encrypt true|false      encrypt the data file and the send archive (from the next start)
loopdesk settings set retention-days N        keep personal data N days (0 = keep everything)
loopdesk settings set language de|en          the language of the app (every open window switches at once)
loopdesk settings new-data-key                prints a key for LOOPDESK_DATA_KEY (servers without a keyring)`;

/** The `settings show` lines (and `--json` object) of the data-at-rest settings and the language. */
function showSettings(current: DataAtRest, language: LanguageChoice, json: boolean | undefined): string {
  if (json) return JSON.stringify({ ...current, language: language.language, languageChosen: language.chosen });
  return `encrypt: ${current.encrypt}\nretention-days: ${current.retentionDays === 0 ? '0 (keep everything)' : current.retentionDays}\nlanguage: ${language.language}${language.chosen ? '' : ' (follows the system)'}`;
}

/**
 * `loopdesk settings …`: data-at-rest settings. Without a running Loopdesk they go into the
 * settings file and take effect at the next start (the data file is not opened: with
 * encryption on and no key it could not be). While the app or `loopdesk serve` owns the data
 * dir, retention and the language go through it and apply at once.
 */
export async function settingsCommand(argv: string[], options: GlobalOptions, io: CliIo): Promise<number> {
  const [sub, key, value] = argv;
  const settings = openSettings(options.dataDir);
  const viaOwner = sub === 'show' || (sub === 'set' && ((key === 'retention-days' && /^\d{1,5}$/.test(value ?? '')) || (key === 'language' && isLocale(value))));
  const owner = viaOwner ? await ownerDoor(options) : undefined;
  if (owner) {
    try {
      if (sub === 'show') {
        const current = await call<DataAtRest>(owner, 'app.dataAtRest', {});
        io.out(showSettings(current, await call<LanguageChoice>(owner, 'app.language', {}), options.json));
        return 0;
      }
      if (key === 'language') {
        // Through the running Loopdesk, so its windows switch at once.
        const choice = await call<LanguageChoice>(owner, 'app.setLanguage', { language: value });
        io.out(options.json ? JSON.stringify(choice) : `Saved. The running Loopdesk now speaks ${choice.language === 'de' ? 'German' : 'English'}.`);
        return 0;
      }
      const outcome = await call<RetentionOutcome>(owner, 'app.setRetention', { days: Number(value) });
      io.out(options.json ? JSON.stringify(outcome) : `Saved and applied by the running Loopdesk${outcome.cutoff ? `: data older than ${outcome.cutoff} deleted` : ''}.`);
      return 0;
    } finally {
      await owner.close();
    }
  }
  switch (sub) {
    case 'show': {
      const atRest = readDataAtRestSettings(settings);
      // No Loopdesk runs: the settings file is what the next start does.
      io.out(showSettings({ ...atRest, encryptAfterRestart: atRest.encrypt, restartable: false }, languageChoice(settings, undefined), options.json));
      return 0;
    }
    case 'set':
      if (key === 'encrypt' && (value === 'true' || value === 'false')) {
        settings.set(DATA_AT_REST_SETTINGS.encrypt, value === 'true');
      } else if (key === 'retention-days' && /^\d{1,5}$/.test(value ?? '')) {
        settings.set(DATA_AT_REST_SETTINGS.retentionDays, Number(value));
      } else if (key === 'language' && isLocale(value)) {
        settings.set(LANGUAGE_SETTING, value);
        io.out(options.json ? JSON.stringify({ saved: true, language: value }) : `Saved. Loopdesk speaks ${value === 'de' ? 'German' : 'English'} from its next start.`);
        return 0;
      } else {
        throw new CliError(USAGE, EXIT_USAGE);
      }
      io.out(options.json ? JSON.stringify({ saved: true, [key]: key === 'encrypt' ? value === 'true' : Number(value), takesEffect: 'next start' }) : `Saved. It takes effect the next time Loopdesk starts with this data dir.`);
      return 0;
    case 'new-data-key':
      io.out(options.json ? JSON.stringify({ key: newDataKeyBase64() }) : newDataKeyBase64());
      return 0;
    default:
      throw new CliError(USAGE, sub ? EXIT_USAGE : 0);
  }
}
