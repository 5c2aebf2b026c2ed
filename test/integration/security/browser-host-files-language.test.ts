import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startBrowserHost, type BrowserHost } from '../../../main/host/browser/browser-host';
import { appIntl } from '../../../shared/i18n/intl';
import { fileToHostPath, HostFileError } from '../../../renderer/src/api/files';
import { catalogSentence } from '../../../renderer/src/i18n/catalog-sentence';
import { tempDir } from '../../helpers/temp-dir';

// The browser host's /files refusals reach the page as catalog keys and values, so an upload
// refused in a German window reads German all through, not a German frame around English.

let data: ReturnType<typeof tempDir>;
let context: AppContext;
let host: BrowserHost;

/** A window of the browser host at `query` (no Electron bridge), enough for fileToHostPath. */
const page = (query: string) => ({ location: new URL(`http://127.0.0.1:${host.port}/${query}`) }) as unknown as Window;
const say = (lang: 'en' | 'de', e: HostFileError) => catalogSentence((id, values) => appIntl(lang).formatMessage({ id }, values), e.text, e.message);

async function refusal(query: string): Promise<HostFileError> {
  const error = await fileToHostPath(new File(['Email\nanna@example.com\n'], 'list.csv'), page(query)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HostFileError);
  return error as HostFileError;
}

beforeAll(async () => {
  data = tempDir();
  const ui = join(data.path, 'ui');
  mkdirSync(ui, { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Loopdesk</title>');
  context = await openAppContext({ dataDir: join(data.path, 'data'), host: 'browser', secrets: null });
  host = await startBrowserHost(context, { port: 0, rendererDir: ui });
});
afterAll(async () => {
  await host?.close();
  await context?.close();
  data?.cleanup();
});

describe('browser host: /files refusals in the reader’s language', () => {
  it('a wrong token is said in German in a German window, in English in an English one', async () => {
    const e = await refusal('?token=wrong');
    expect(say('de', e)).toBe(
      'Die Datei konnte nicht an Loopdesk übergeben werden: das Zugangstoken fehlt oder ist falsch. Versuchen Sie es erneut; wenn es weiter fehlschlägt, starten Sie `loopdesk serve` neu.',
    );
    expect(say('en', e)).toBe('The file could not be handed to Loopdesk: missing or wrong token. Try again; if it keeps failing, restart `loopdesk serve`.');
  });

  it('an upload from another site (no own Origin) is said in German too', async () => {
    const e = await refusal(`?token=${host.token}`);
    expect(say('de', e)).toContain('die Anfrage kam von einer anderen Website');
  });
});
