import { afterAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import { tempDir } from '../../helpers/temp-dir';

const data = tempDir();
afterAll(() => data.cleanup());

async function cli(args: string[]) {
  const out: string[] = [];
  const code = await main(['--data-dir', data.path, ...args], { out: (l) => out.push(l), err: (l) => out.push(l) });
  return { code, out: out.join('\n') };
}

describe('loopdesk settings (data at rest)', () => {
  it('stores retention days and the encryption switch; a bad value changes nothing', async () => {
    expect((await cli(['settings', 'set', 'retention-days', '45'])).code).toBe(0);
    expect((await cli(['settings', 'set', 'retention-days', 'soon'])).code).toBe(2);
    expect(JSON.parse((await cli(['--json', 'settings', 'show'])).out)).toMatchObject({ encrypt: false, retentionDays: 45 });
    const key = (await cli(['settings', 'new-data-key'])).out.trim();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
  });

  it('keeps the language chosen with `settings set language`, shows it, and refuses an unknown one', async () => {
    const env = { ...process.env, LANG: 'en_GB.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      expect((await cli(['settings', 'show'])).out).toContain('language: en (follows the system)');
      expect((await cli(['settings', 'set', 'language', 'de'])).code).toBe(0);
      expect((await cli(['settings', 'show'])).out).toMatch(/^language: de$/m);
      expect(JSON.parse((await cli(['--json', 'settings', 'show'])).out)).toMatchObject({ language: 'de', languageChosen: true });
      expect((await cli(['settings', 'set', 'language', 'fr'])).code).toBe(2);
      // The app reads the same choice: the window starts in German.
      const context = await openAppContext({ dataDir: data.path, host: 'cli', secrets: null });
      try {
        const r = await context.dispatcher.handle('app.language', {}, { transport: 'cli' });
        expect(r).toEqual({ ok: true, value: { language: 'de', chosen: true } });
      } finally {
        await context.close();
      }
      expect((await cli(['settings', 'set', 'language', 'en'])).code).toBe(0);
      expect((await cli(['settings', 'show'])).out).toMatch(/^language: en$/m);
    } finally {
      process.env = saved;
    }
  });

  it('with encryption on and no way to keep the key, the app refuses to start and says what to do', async () => {
    expect((await cli(['settings', 'set', 'encrypt', 'true'])).code).toBe(0);
    const env = { ...process.env };
    delete env.LOOPDESK_DATA_KEY;
    await expect(openAppContext({ dataDir: data.path, host: 'cli', secrets: null, env })).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('LOOPDESK_DATA_KEY') });
    // The lock was released: the data dir is usable again once encryption is switched off.
    expect((await cli(['settings', 'set', 'encrypt', 'false'])).code).toBe(0);
    const context = await openAppContext({ dataDir: data.path, host: 'cli', secrets: null, env });
    await context.close();
  });
});
