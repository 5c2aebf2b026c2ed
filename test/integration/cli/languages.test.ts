import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main';
import { spawnCli, type CliRun } from '../../helpers/cli-loop';
import { tempDir } from '../../helpers/temp-dir';

const data = tempDir();
afterAll(() => data.cleanup());

/** Runs `loopdesk` in this process with exactly the environment given (no LANG of the machine leaks in). */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--data-dir', join(data.path, 'home'), ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Spawns the installed command (`node main/cli/bin.mjs`) as a shell would, with the locale variables given. */
function spawned(args: string[], locale: NodeJS.ProcessEnv): Promise<CliRun> {
  return spawnCli(join(data.path, 'spawned'), args, { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: '', ...locale });
}

describe('the CLI speaks English by default and German with --lang de or LANG=de_DE.UTF-8 (issue #15)', () => {
  it('prints the usage in the language asked for, English without one', async () => {
    const english = await cli(['help']);
    expect(english.out).toContain('Commands:');
    expect(english.out).toContain('Global options:');
    expect(english.out).toContain('--lang en|de');
    for (const german of [await cli(['--lang', 'de', 'help']), await cli(['help'], { LANG: 'de_DE.UTF-8' }), await cli(['help', '--lang=de'])]) {
      expect(german.code).toBe(0);
      expect(german.out).toContain('Befehle:');
      expect(german.out).toContain('Globale Optionen:');
      expect(german.out).toContain('einen Versand prüfen, bestätigen und hochladen (oder planen)');
      expect(german.out).not.toContain('Commands:');
    }
    // POSIX order: LC_ALL before LC_MESSAGES before LANG; C means English; --lang beats them all.
    expect((await cli(['help'], { LC_ALL: 'C', LANG: 'de_DE.UTF-8' })).out).toContain('Commands:');
    expect((await cli(['help'], { LC_MESSAGES: 'de_AT.UTF-8', LANG: 'en_GB.UTF-8' })).out).toContain('Befehle:');
    expect((await cli(['--lang', 'en', 'help'], { LANG: 'de_DE.UTF-8' })).out).toContain('Commands:');
    expect((await cli(['help'], { LANG: 'fr_FR.UTF-8' })).out).toContain('Commands:');
    // A subcommand's usage too.
    expect((await cli(['--lang', 'de', 'settings'])).out).toContain('personenbezogene Daten N Tage aufbewahren');
  });

  it("prints a command's output in German, with numbers and plurals of the language", async () => {
    expect((await cli(['profile', 'list'])).out).toBe('No profiles yet. Add one with `loopdesk profile add`.');
    expect((await cli(['--lang', 'de', 'profile', 'list'])).out).toBe('Noch keine Profile. Legen Sie eines mit `loopdesk profile add` an.');
    expect((await cli(['profile', 'add', '--name', 'p', '--host', 'h', '--user', 'u', '--password-env', 'P_PW', '--client', 'acme'], { LANG: 'de_DE.UTF-8' })).out).toContain('Profil „p“ gespeichert.');
    const listed = await cli(['profile', 'list'], { LANG: 'de_DE.UTF-8' });
    expect(listed.out).toBe('p\tu@h:22\t0 vertrauenswürdige Schlüssel');
    expect((await cli(['profile', 'list'])).out).toBe('p\tu@h:22\t0 trusted keys');
    const shown = await cli(['client', 'show', '--profile', 'p'], { LANG: 'de_DE.UTF-8' });
    expect(shown.out).toContain('Mandant acme');
    expect(shown.out).toContain('Testempfänger: keine');
  });

  it('tells a usage mistake in German with the same exit code, and keeps --json English', async () => {
    const german = await cli(['--lang', 'de', 'mailing', 'add', '--profile', 'p']);
    expect(german.code).toBe(2);
    expect(german.err).toMatch(/^Fehler USAGE: --profile, --id und --name sind erforderlich\.\nloopdesk mailing add/);
    expect(german.err).toContain('ein in Smart Campaigns angelegtes Quellmailing');
    const json = await cli(['--lang', 'de', '--json', 'mailing', 'add', '--profile', 'p']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toEqual({ error: { code: 'USAGE', message: '--profile, --id and --name are required.' } });
    const unknown = await cli(['--lang', 'de', 'client', 'set', '--profile', 'p', '--colour', 'red']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe('Fehler USAGE: Unbekannte Option --colour. Siehe `loopdesk help`.');
    const lang = await cli(['--lang', 'fr', 'help']);
    expect(lang.code).toBe(2);
    expect(lang.err).toBe('error USAGE: --lang takes en or de (got "fr").');
  });

  it("prints a service's error in German from its key, the code and exit code unchanged and the JSON message in English", async () => {
    const german = await cli(['client', 'show', '--profile', 'nope'], { LANG: 'de_DE.UTF-8' });
    expect(german.code).toBe(1);
    expect(german.err).toMatch(/^Fehler NOT_FOUND: /);
    expect(german.err).not.toMatch(/There is no profile|Check the name/);
    const json = await cli(['--json', 'client', 'show', '--profile', 'nope'], { LANG: 'de_DE.UTF-8' });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringMatching(/^There is no profile named "nope"/) } });
    const english = await cli(['client', 'show', '--profile', 'nope']);
    expect(english.err).toMatch(/^error NOT_FOUND: There is no profile named "nope"/);
  });

  it("prints a row's reason for being left out in the CLI's language (its catalog text), English without", async () => {
    const dir = join(data.path, 'prepare-de');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'list.csv');
    writeFileSync(file, 'Email;Firstname\nanna@example.com;Anna\nnot-an-address;Bernd\n');
    const german = await cli(['--lang', 'de', 'prepare', file, '--mailing', '44018617811', '--out', join(dir, 'de')]);
    expect(german.code).toBe(0);
    expect(german.out).toContain('„not-an-address“ ist keine gültige E-Mail-Adresse');
    expect(german.out).not.toContain('is not a valid e-mail address');
    const english = await cli(['prepare', file, '--mailing', '44018617811', '--out', join(dir, 'en')]);
    expect(english.out).toContain('"not-an-address" is not a valid e-mail address');
  });

  it('lists what is wrong with a profile file for `profile import` in German, each field with its problem; --json stays English', async () => {
    const file = join(data.path, 'not-a-profile.json');
    writeFileSync(file, JSON.stringify({ name: 'x', format: 'loopdesk-profile/1', host: 'h', user: 'u', authKind: 'password', clients: [{ name: '' }] }));
    const args = ['profile', 'import', file, '--password-env', 'X'];
    const german = await cli(['--lang', 'de', ...args]);
    expect(german.code).toBe(1);
    expect(german.err).toBe(`Fehler INVALID_INPUT: ${file} ist kein Loopdesk-Profilexport (clients.0.name darf nicht leer sein). Erstellen Sie einen mit \`loopdesk profile export NAME > profile.json\`.`);
    const english = await cli(args);
    expect(english.err).toBe(`error INVALID_INPUT: ${file} is not a Loopdesk profile export (clients.0.name must not be empty). Make one with \`loopdesk profile export NAME > profile.json\`.`);
    const json = await cli(['--lang', 'de', '--json', ...args]);
    expect(JSON.parse(json.out).error.message).toContain('(clients.0.name must not be empty)');
  });

  it('speaks German as a spawned `loopdesk` with --lang de or LANG=de_DE.UTF-8, English without', async () => {
    const root = join(data.path, 'sandbox');
    // The sandbox's own error (error.sandbox.exportAt), told by the sandbox command.
    const byEnv = await spawned(['sandbox', '--root', root, '--export-at', '25:00'], { LANG: 'de_DE.UTF-8' });
    expect(byEnv.code).toBe(1);
    expect(byEnv.err).toContain('Sandbox: Die Exportzeit „25:00“ hat nicht die Form HH:MM (24 Stunden)');
    const byFlag = await spawned(['--lang', 'de', 'frobnicate'], { LANG: 'C.UTF-8' });
    expect(byFlag.code).toBe(2);
    expect(byFlag.err).toMatch(/^Fehler USAGE: Unbekannter Befehl „frobnicate“\.\n\nLoopdesk — die Closed-Loop-Schnittstelle/);
    const english = await spawned(['sandbox', '--root', root, '--export-at', '25:00'], {});
    expect(english.code).toBe(1);
    expect(english.err).toContain('sandbox: Export time "25:00" is not HH:MM (24 h)');
  });
});
