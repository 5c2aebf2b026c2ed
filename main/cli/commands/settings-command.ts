import { DATA_AT_REST_SETTINGS, readDataAtRestSettings } from '../../services/store/retention';
import { openSettings } from '../../services/store/settings';
import { newDataKeyBase64 } from '../../services/store/data-key';
import type { DataAtRest, RetentionOutcome } from '../../../shared/contract/app';
import { CliError, EXIT_USAGE, type CliIo, type GlobalOptions } from '../cli-io';
import { call, ownerDoor } from '../door';

const USAGE = `loopdesk settings show
loopdesk settings set encrypt true|false      encrypt the data file and the send archive (from the next start)
loopdesk settings set retention-days N        keep personal data N days (0 = keep everything)
loopdesk settings new-data-key                prints a key for LOOPDESK_DATA_KEY (servers without a keyring)`;

/**
 * `loopdesk settings …`: data-at-rest settings. Without a running Loopdesk they go into the
 * settings file and take effect at the next start (the data file is not opened: with
 * encryption on and no key it could not be). While the app or `loopdesk serve` owns the data
 * dir, retention goes through it and applies at once.
 */
export async function settingsCommand(argv: string[], options: GlobalOptions, io: CliIo): Promise<number> {
  const [sub, key, value] = argv;
  const settings = openSettings(options.dataDir);
  const owner = sub === 'show' || (sub === 'set' && key === 'retention-days' && /^\d{1,5}$/.test(value ?? '')) ? await ownerDoor(options) : undefined;
  if (owner) {
    try {
      if (sub === 'show') {
        const current = await call<DataAtRest>(owner, 'app.dataAtRest', {});
        io.out(options.json ? JSON.stringify(current) : `encrypt: ${current.encrypt}\nretention-days: ${current.retentionDays === 0 ? '0 (keep everything)' : current.retentionDays}`);
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
      const current = readDataAtRestSettings(settings);
      io.out(options.json ? JSON.stringify(current) : `encrypt: ${current.encrypt}\nretention-days: ${current.retentionDays === 0 ? '0 (keep everything)' : current.retentionDays}`);
      return 0;
    }
    case 'set':
      if (key === 'encrypt' && (value === 'true' || value === 'false')) {
        settings.set(DATA_AT_REST_SETTINGS.encrypt, value === 'true');
      } else if (key === 'retention-days' && /^\d{1,5}$/.test(value ?? '')) {
        settings.set(DATA_AT_REST_SETTINGS.retentionDays, Number(value));
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
