import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClientConfig, ConnectionOptions, ProfileExport, ProfileInput } from '../../../shared/contract/profiles';
import { main } from '../../../main/cli/main';
import { CLIENT_COMMANDS, CLIENT_FLAGS, PROFILE_COMMANDS, PROFILE_FLAGS, type SettingFlag } from '../../../main/cli/setting-flags';
import { tempDir } from '../../helpers/temp-dir';

let data: ReturnType<typeof tempDir>;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  // English on every machine, whatever its LANG: the assertions read the English wording.
  const code = await main(['--data-dir', join(data.path, 'home'), '--lang', 'en', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, { ...process.env, COV_PW: 'x' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every leaf path of a zod object schema (nested objects are walked; arrays, unions and scalars are leaves). */
function leaves(schema: z.ZodType, prefix: string[] = []): string[][] {
  let s = schema as z.ZodType & { def: { innerType?: z.ZodType; in?: z.ZodType } };
  // Unwrap defaults, optionals and pipes to reach the object or the scalar.
  for (;;) {
    if (s.def.innerType) s = s.def.innerType as typeof s;
    else if (s.def.in && !(s instanceof z.ZodObject)) s = s.def.in as typeof s;
    else break;
  }
  if (s instanceof z.ZodObject) return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => leaves(v, [...prefix, k]));
  return [prefix];
}

const at = (value: unknown, path: readonly string[]) => path.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], value);
const covered = (path: string[], flags: readonly SettingFlag[], commands: readonly { path: readonly string[] }[]) =>
  [...flags, ...commands].some((f) => f.path.join('.') === path.join('.'));

beforeAll(async () => {
  data = tempDir();
  const add = await cli(['profile', 'add', '--name', 'cov', '--host', 'sftp.example.com', '--user', 'u', '--password-env', 'COV_PW', '--client', 'acme']);
  expect(add.code, add.err).toBe(0);
});
afterAll(() => data?.cleanup());

describe('every setting of the contract has a CLI form', () => {
  it('walks ClientConfig, ConnectionOptions and ProfileInput and finds a flag or command for each field', () => {
    const clientLeaves = leaves(ClientConfig);
    expect(clientLeaves.map((p) => p.join('.'))).toEqual(expect.arrayContaining(['lineBreaks', 'productsFileName', 'responseDialect.encoding', 'responseDialect.delimiter', 'responseDialect.header', 'responseDialect.timestampFormat']));
    const missing = [
      ...clientLeaves.filter((p) => !covered(p, CLIENT_FLAGS, CLIENT_COMMANDS)).map((p) => `ClientConfig.${p.join('.')}`),
      ...leaves(ProfileInput).filter((p) => !covered(p, PROFILE_FLAGS, PROFILE_COMMANDS)).map((p) => `ProfileInput.${p.join('.')}`),
      ...leaves(ConnectionOptions).filter((p) => !covered(['options', ...p], PROFILE_FLAGS, PROFILE_COMMANDS)).map((p) => `ConnectionOptions.${p.join('.')}`),
    ];
    expect(missing, 'these contract fields cannot be set from the CLI: add a flag to main/cli/setting-flags.ts').toEqual([]);
  });

  it('client set changes each client field, and client show reads it back', async () => {
    const fields = [{ name: 'Email', type: 'Varchar', length: 255, required: true }, { name: 'broadmail_ID', type: 'Bigint', required: true }, { name: 'product_1', type: 'Varchar', length: 40, required: false }];
    const productFields = [{ name: 'product_id', type: 'Varchar', length: 64, required: true }, { name: 'link_url', type: 'URL', required: false }];
    const files: Record<string, string> = { '@fields': join(data.path, 'fields.json'), '@product-fields': join(data.path, 'products.json') };
    writeFileSync(files['@fields'], JSON.stringify(fields));
    writeFileSync(files['@product-fields'], JSON.stringify(productFields));
    const expectedFor: Record<string, unknown> = { '@fields': fields, '@product-fields': productFields };
    let client = 'acme';
    // The rename goes last: every other flag addresses the client by its old name.
    for (const flag of [...CLIENT_FLAGS].sort((a, b) => Number(a.flag === 'rename') - Number(b.flag === 'rename'))) {
      const examples = Array.isArray(flag.example) ? flag.example : [flag.example];
      const args = examples.flatMap((e) => [`--${flag.flag}`, files[e] ?? e]);
      const set = await cli(['client', 'set', '--profile', 'cov', '--client', client, ...args]);
      expect(set.code, `client set --${flag.flag}: ${set.err}`).toBe(0);
      if (flag.flag === 'rename') client = String(flag.example);
      const shown = await cli(['--json', 'client', 'show', '--profile', 'cov', '--client', client]);
      expect(shown.code, shown.err).toBe(0);
      const expected = flag.expected ?? expectedFor[String(flag.example)] ?? flag.parse(flag.example);
      expect(at(JSON.parse(shown.out), flag.path), `--${flag.flag}`).toEqual(expected);
    }
    const cleared = await cli(['--json', 'client', 'set', '--profile', 'cov', '--client', client, '--clear-test-recipients']);
    expect(cleared.code, cleared.err).toBe(0);
    expect(JSON.parse(cleared.out).clients[0].testRecipients).toEqual([]);
  });

  it('profile set changes each server and connection option, and keeps the login', async () => {
    for (const flag of PROFILE_FLAGS) {
      const set = await cli(['profile', 'set', 'cov', `--${flag.flag}`, String(flag.example)]);
      expect(set.code, `profile set --${flag.flag}: ${set.err}`).toBe(0);
      const shown = JSON.parse((await cli(['--json', 'profile', 'show', 'cov'])).out);
      expect(at(shown, flag.path), `--${flag.flag}`).toEqual(flag.expected ?? flag.parse(flag.example));
      expect(shown.passwordEnv).toBe('COV_PW');
    }
  });

  it('a source mailing is added, listed, retired and restored from the CLI', async () => {
    const client = JSON.parse((await cli(['--json', 'profile', 'show', 'cov'])).out).clients[0].name;
    const add = await cli(['--json', 'mailing', 'add', '--profile', 'cov', '--id', '44018617811', '--name', 'Weekly', '--notes', 'from the CLI']);
    expect(add.code, add.err).toBe(0);
    expect(JSON.parse(add.out)).toMatchObject({ profile: 'cov', client, id: '44018617811', name: 'Weekly', notes: 'from the CLI', retired: false });
    expect((await cli(['mailing', 'retire', '--profile', 'cov', '--id', '44018617811'])).code).toBe(0);
    expect(JSON.parse((await cli(['--json', 'mailing', 'list', '--profile', 'cov'])).out)).toMatchObject([{ id: '44018617811', retired: true }]);
    expect((await cli(['mailing', 'restore', '--profile', 'cov', '--client', client, '--id', '44018617811'])).code).toBe(0);
    expect(JSON.parse((await cli(['--json', 'client', 'show', '--profile', 'cov'])).out).mailings).toEqual([{ id: '44018617811', name: 'Weekly', notes: 'from the CLI', retired: false }]);
    const bad = await cli(['--json', 'mailing', 'add', '--profile', 'cov', '--id', 'abc', '--name', 'x']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).error.code).toBe('INVALID_INPUT');
    expect(bad.err).toMatch(/^error INVALID_INPUT: /);
  });

  it('profile export writes the whole profile without a secret; import brings it back under a new login', async () => {
    const exported = await cli(['profile', 'export', 'cov']);
    expect(exported.code, exported.err).toBe(0);
    const doc = ProfileExport.parse(JSON.parse(exported.out));
    expect(exported.out).not.toMatch(/COV_PW|passwordEnv|passphrase|keyPath/);
    expect(doc.clients[0].mailings).toHaveLength(1);
    writeFileSync(join(data.path, 'profile.json'), exported.out);
    const noLogin = await cli(['profile', 'import', join(data.path, 'profile.json')]);
    expect(noLogin.code).toBe(2);
    expect(noLogin.err).toContain('--password-env');
    const exists = await cli(['profile', 'import', join(data.path, 'profile.json'), '--password-env', 'OTHER_PW']);
    expect(exists.code).toBe(1);
    expect(exists.err).toContain('ALREADY_EXISTS');
    const copy = await cli(['--json', 'profile', 'import', join(data.path, 'profile.json'), '--password-env', 'OTHER_PW', '--name', 'copy']);
    expect(copy.code, copy.err).toBe(0);
    const again = await cli(['profile', 'export', 'copy']);
    expect({ ...JSON.parse(again.out), name: 'cov' }).toEqual(JSON.parse(exported.out));
    expect(JSON.parse((await cli(['--json', 'profile', 'show', 'copy'])).out).passwordEnv).toBe('OTHER_PW');
    writeFileSync(join(data.path, 'broken.json'), JSON.stringify({ ...doc, format: undefined, clients: [{ name: '' }] }));
    const broken = await cli(['profile', 'import', join(data.path, 'broken.json'), '--password-env', 'X', '--replace']);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/error INVALID_INPUT: .*not a Loopdesk profile export/);
  });
});
