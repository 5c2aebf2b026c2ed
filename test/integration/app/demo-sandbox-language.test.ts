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

describe('the demo sandbox in the chosen language', () => {
  it('notes its source mailings in German when the app speaks German', async () => {
    openSettings(data.path).set(LANGUAGE_SETTING, 'de');
    context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
    await startDemoSandbox(context, { interval: 0, exportInterval: 0 });
    const mailings = context.services.profiles.stored(SANDBOX_PROFILE).clients.flatMap((c) => c.mailings);
    expect(mailings.length).toBeGreaterThan(0);
    expect(new Set(mailings.map((m) => m.notes))).toEqual(new Set(['Quellmailing der Sandbox']));
  });
});
