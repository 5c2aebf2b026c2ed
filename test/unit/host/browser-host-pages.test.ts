import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startBrowserHost, type BrowserHost } from '../../../main/host/browser/browser-host';
import { tempDir } from '../../helpers/temp-dir';

const data = tempDir();
const noUi = tempDir();
let context: AppContext;
let host: BrowserHost;

beforeAll(async () => {
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  // An empty renderer folder: the host answers 503 with what to do.
  host = await startBrowserHost(context, { port: 0, rendererDir: noUi.path });
});
afterAll(async () => {
  await host.close();
  await context.close();
  data.cleanup();
  noUi.cleanup();
});

async function page(headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${host.port}/`, { headers });
  return { status: res.status, text: await res.text() };
}

describe('the browser host tells a person in the app language (issue #15)', () => {
  it('answers a missing UI and a foreign site in the language chosen in Settings, switching without a restart', async () => {
    await context.services.app.setLanguage({ language: 'en' });
    expect(await page()).toEqual({ status: 503, text: 'The Loopdesk UI is not built yet. Run `npm run build` and reload.' });
    expect(await page({ origin: 'http://evil.example' })).toEqual({ status: 403, text: 'Forbidden: requests from another site are refused.' });
    await context.services.app.setLanguage({ language: 'de' });
    expect(await page()).toEqual({ status: 503, text: 'Die Loopdesk-Oberfläche ist noch nicht erstellt. Führen Sie `npm run build` aus und laden Sie die Seite neu.' });
    expect(await page({ origin: 'http://evil.example' })).toEqual({ status: 403, text: 'Verboten: Anfragen von einer anderen Website werden abgelehnt.' });
  });
});
