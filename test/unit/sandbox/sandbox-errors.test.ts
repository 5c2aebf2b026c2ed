import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../main/services/sandbox';
import { isAppError, type AppError } from '../../../shared/contract/result';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import { tempDir } from '../../helpers/temp-dir';

const data = tempDir();
afterAll(() => data.cleanup());

async function refusal(options: Parameters<typeof startSandbox>[0]): Promise<AppError> {
  try {
    const sandbox = await startSandbox(options);
    await sandbox.stop();
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error('the sandbox started');
}

describe("the sandbox's errors carry catalog keys, English and German (issue #15)", () => {
  it('refuses bad options with a key, its values and the English message kept', async () => {
    const exportAt = await refusal({ root: join(data.path, 'a'), exportAt: '25:00' });
    expect(exportAt).toMatchObject({ code: 'INVALID_INPUT', messageId: 'error.sandbox.exportAt', values: { value: '25:00' } });
    expect(exportAt.message).toBe('Export time "25:00" is not HH:MM (24 h); give it as e.g. 06:00.');
    expect(errorText(appIntl('de'), exportAt)).toBe('Die Exportzeit „25:00“ hat nicht die Form HH:MM (24 Stunden); geben Sie sie z. B. als 06:00 an.');

    const port = await refusal({ root: join(data.path, 'a'), port: 70000 });
    expect(port).toMatchObject({ messageId: 'error.sandbox.port', message: 'Sandbox option port must be a non-negative number up to 65535; got 70000.' });
    expect(errorText(appIntl('de'), port)).toBe('Die Sandbox-Option port muss eine nicht negative Zahl bis 65535 sein; angegeben: 70000.');

    const scale = await refusal({ root: join(data.path, 'a'), timeScale: 0 });
    expect(scale.messageId).toBe('error.sandbox.timeScale');
    const history = await refusal({ root: join(data.path, 'a'), history: { days: 400 } });
    expect(errorText(appIntl('de'), history)).toBe('Die Vergangenheitsdaten der Sandbox müssen 0 bis 366 Tage umfassen; angegeben: 400.');
  });

  it('refuses a broken sandbox.json with its path as a value and in the details', async () => {
    const root = join(data.path, 'broken');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'sandbox.json'), '{ not json');
    const broken = await refusal({ root });
    expect(broken).toMatchObject({ code: 'INVALID_INPUT', messageId: 'error.sandbox.configNotJson', details: { path: join(root, 'sandbox.json') } });
    expect(broken.message).toMatch(/^The sandbox config .*sandbox\.json is not valid JSON \(.+\)\. Fix or delete it; a new one is created on the next start\.$/);
    expect(errorText(appIntl('de'), broken)).toMatch(/^Die Sandbox-Konfiguration .*sandbox\.json ist kein gültiges JSON/);

    writeFileSync(join(root, 'sandbox.json'), JSON.stringify({ seed: 1 }));
    const invalid = await refusal({ root });
    expect(invalid).toMatchObject({ messageId: 'error.sandbox.configInvalid', details: { issues: expect.any(Array) } });
    expect(errorText(appIntl('de'), invalid)).toMatch(/^Die Sandbox-Konfiguration .* ist ungültig: .+\. Korrigieren oder löschen Sie sie\.$/);
  });
});
