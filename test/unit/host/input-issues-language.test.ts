import { describe, expect, it } from 'vitest';
import { Dispatcher, type Services } from '../../../main/core/dispatcher';
import { chooseFileNames } from '../../../main/services/recipients/prepare-file-names';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import { isAppError, type AppErrorInfo } from '../../../shared/contract/result';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import { catalogSentence } from '../../../renderer/src/i18n/catalog-sentence';
import { tempDir } from '../../helpers/temp-dir';

const de = appIntl('de');
const sayDe = (text: CatalogText | undefined, english: string) => catalogSentence((id, values) => de.formatMessage({ id }, values), text, english);

async function saveFailure(profile: unknown): Promise<AppErrorInfo> {
  const dispatcher = new Dispatcher({ profiles: {} } as unknown as Services, () => undefined, false);
  const result = await dispatcher.handle('profiles.save', { profile }, { transport: 'memory' });
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

describe('input-check issues carry catalog texts (Connections form, issue #15)', () => {
  it('a products file name and an empty client name that fail the schema read German field by field', async () => {
    const error = await saveFailure({
      name: 'p',
      host: 'h',
      user: 'u',
      auth: { kind: 'password' },
      clients: [{ name: '', productsFileName: 'out/{stamp}.csv' }],
    });
    const issues = (error.details as { issues: { path: string[]; message: string; text?: CatalogText }[] }).issues;
    const byPath = new Map(issues.map((i) => [i.path.join('.'), i]));
    const name = byPath.get('profile.clients.0.name');
    const products = byPath.get('profile.clients.0.productsFileName');
    expect(name?.text).toEqual({ id: 'error.host.issue.empty', values: {} });
    expect(sayDe(name?.text, name!.message)).toBe('darf nicht leer sein');
    // Our own check's sentence travels as its key; English stays as zod's message.
    expect(products?.message).toMatch(/^The products file name cannot contain \/ or \\/);
    expect(products?.text?.id).toBe('connections.productsName.slash');
    expect(sayDe(products?.text, products!.message)).toMatch(/^Der Name der Produktdatei darf weder \/ noch \\ enthalten/);
  });

  it('zod checks of other kinds map to catalog texts too', async () => {
    const error = await saveFailure({ name: 'p', host: 'h', user: 'u', port: 'x', auth: { kind: 'carrier pigeon' } });
    const texts = (error.details as { issues: { text?: CatalogText }[] }).issues.map((i) => i.text?.id);
    expect(texts).toContain('error.host.issue.type');
    expect(texts.every((id) => typeof id === 'string')).toBe(true);
  });
});

describe('a broken products file name pattern found while preparing (issue #15)', () => {
  it('reads German all through, the pattern’s problem included', () => {
    const dir = tempDir();
    try {
      let thrown: unknown;
      try {
        chooseFileNames({ outDir: dir.path, now: new Date('2026-06-01T09:30:00Z'), timeZone: 'UTC', productsFileName: '{stamp}_{stamp}.csv' });
      } catch (e) {
        thrown = e;
      }
      if (!isAppError(thrown)) throw new Error('expected an AppError');
      const info = thrown.toInfo();
      expect(errorText(de, info)).toBe(
        "Der Name der Produktdatei „{stamp}_{stamp}.csv“ dieses Mandanten kann nicht verwendet werden: Der Name der Produktdatei braucht {stamp} genau einmal (gefunden: 2), z. B. {stamp}_products.csv.",
      );
      expect(info.message).toMatch(/^The products file name “\{stamp\}_\{stamp\}\.csv” of this client cannot be used: The products file name needs \{stamp\} exactly once \(found 2\)/);
    } finally {
      dir.cleanup();
    }
  });
});
