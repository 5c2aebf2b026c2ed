import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main';
import { tempDir } from '../../helpers/temp-dir';

const data = tempDir();
afterAll(() => data.cleanup());

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  // English on every machine: these assert the English wording (test/integration/cli/languages.test.ts covers German).
  const code = await main(['--data-dir', join(data.path, 'home'), '--lang', 'en', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('exit codes and output (README: "Exit codes and output")', () => {
  it('0 and the version for --version, as text or one JSON document', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, out: [expect.stringMatching(/^\d+\.\d+\.\d+$/)], err: [] });
    const json = await cli(['--json', '--version']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out.join('\n'))).toEqual({ version: expect.any(String) });
  });

  it('2 for a usage mistake: `error USAGE: …` on stderr, and with --json one error document on stdout', async () => {
    const missing = await cli(['--json', 'mailing', 'add', '--profile', 'p']);
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toMatch(/^error USAGE: --profile, --id and --name are required/);
    expect(missing.out).toHaveLength(1);
    expect(JSON.parse(missing.out[0])).toEqual({ error: { code: 'USAGE', message: expect.stringContaining('--id') } });
    const unknownFlag = await cli(['client', 'set', '--profile', 'p', '--colour', 'red']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.err[0]).toMatch(/^error USAGE: .*--colour/);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const zone = await cli(['client', 'set', '--profile', 'p', '--time-zone', 'Europe/Berlim']);
    expect(zone.code).toBe(2);
    expect(zone.err[0]).toContain('is not a time zone');
  });

  it('1 for a failure, with the service error code on stderr and in the JSON document', async () => {
    const r = await cli(['--json', 'client', 'show', '--profile', 'nope']);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^error NOT_FOUND: There is no profile named "nope"/);
    expect(r.out).toHaveLength(1);
    expect(JSON.parse(r.out[0]).error.code).toBe('NOT_FOUND');
  });

  it('a source mailing that is not set up names the CLI command that adds it, not a screen the CLI user lacks', async () => {
    expect((await cli(['profile', 'add', '--name', 'p', '--host', 'h', '--user', 'u', '--password-env', 'P_PW', '--client', 'acme'])).code).toBe(0);
    const r = await cli(['send', join(__dirname, '../../fixtures/e2e/empfaenger.csv'), '--profile', 'p', '--mailing', '44018617811', '--yes']);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/error NOT_FOUND: Source mailing 44018617811 is not set up .*`loopdesk mailing add --profile p --client acme --id 44018617811/);
  });

  it('an unconfirmed send exits 1 with NOT_CONFIRMED, and with --json still prints one document', async () => {
    const r = await cli(['--json', 'send', join(__dirname, '../../fixtures/e2e/empfaenger.csv'), '--profile', 'p', '--mailing', '44018617811']);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/error NOT_CONFIRMED: Nothing was sent: confirm with --yes/);
    expect(r.out).toHaveLength(1);
    expect(JSON.parse(r.out[0]).error.code).toBe('NOT_CONFIRMED');
  });
});
