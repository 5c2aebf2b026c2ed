import { afterAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { SANDBOX_PROFILE, startDemoSandbox } from '../../../main/app/demo-sandbox';
import { LANGUAGE_SETTING } from '../../../main/app/language';
import { openSettings } from '../../../main/services/store/settings';
import { tempDir } from '../../helpers/temp-dir';

const data = tempDir();
let context: AppContext | undefined;
afterAll(async () => {
  await context?.close();
  data.cleanup();
});

async function start(): Promise<AppContext> {
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  await startDemoSandbox(context, { interval: 0, exportInterval: 0 });
  return context;
}

const notes = (c: AppContext) => c.services.profiles.stored(SANDBOX_PROFILE).clients.flatMap((client) => client.mailings.map((m) => m.notes));

describe('the demo sandbox in any language', () => {
  it('writes no note in the host\'s language on its source mailings, clears the one earlier versions wrote, and keeps the operator\'s own', async () => {
    // A German host: an earlier version wrote its note in German here, so an English window read German.
    openSettings(data.path).set(LANGUAGE_SETTING, 'de');
    let app = await start();
    expect(notes(app).length).toBeGreaterThan(0);
    expect(new Set(notes(app))).toEqual(new Set(['']));

    // The notes an earlier version left (in either language), and one the operator wrote.
    const [client] = app.services.profiles.stored(SANDBOX_PROFILE).clients;
    const [first, second, third] = client!.mailings;
    for (const [m, note] of [
      [first!, 'Quellmailing der Sandbox'],
      [second!, 'Sandbox source mailing'],
      [third!, 'Nur für Tests'],
    ] as const) {
      await app.services.mailings.save({ profile: SANDBOX_PROFILE, client: client!.name, mailing: { id: m.id, name: m.name, notes: note } });
    }
    await app.close();
    context = undefined;

    app = await start();
    const mailings = app.services.profiles.stored(SANDBOX_PROFILE).clients.find((c) => c.name === client!.name)!.mailings;
    expect(mailings.map((m) => m.notes).slice(0, 3)).toEqual(['', '', 'Nur für Tests']);
  });
});
