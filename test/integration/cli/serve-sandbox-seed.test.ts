import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/app/app-context';
import { startDemoSandbox } from '../../../main/app/demo-sandbox';
import { serveOptions } from '../../../main/cli/commands/serve-command';
import { main } from '../../../main/cli/main';
import { tempDir } from '../../helpers/temp-dir';

/**
 * `loopdesk serve --sandbox-seed TEXT`: the demo sandbox of two serves with the same seed
 * generates the same data (IDs, and the seed every simulated outcome is drawn from), on real
 * data dirs with the real embedded sandbox; an empty seed is a usage mistake told at once.
 */

const data = tempDir();
afterAll(() => data.cleanup());

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--data-dir', join(data.path, 'never-opened'), ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** What the demo sandbox of a fresh data dir generated, started with the options `serve` reads from `argv`. */
async function generatedBy(argv: string[], dir: string) {
  const { sandbox: options } = serveOptions(argv);
  const context = await openAppContext({ dataDir: join(data.path, dir), host: 'memory', secrets: null });
  try {
    const sandbox = await startDemoSandbox(context, options!);
    const config = JSON.parse(readFileSync(join(sandbox.root, 'sandbox.json'), 'utf8')) as { seed: string; clients: unknown };
    const profile = (await context.services.profiles.list({})).find((p) => p.sandbox)!;
    return {
      seed: sandbox.seed,
      storedSeed: config.seed,
      clients: config.clients,
      mailings: sandbox.clients.map((c) => c.mailings.map((m) => m.id)),
      inProfile: profile.clients.map((c) => (c.mailings ?? []).map((m) => m.id)),
    };
  } finally {
    await context.close();
  }
}

describe('loopdesk serve --sandbox-seed', () => {
  it('two serves with the same seed generate the same sandbox data; another seed other data', async () => {
    const args = (seed: string) => ['--port', '0', '--no-sandbox-history', '--sandbox-interval', '0', '--sandbox-export-interval', '0', '--sandbox-seed', seed];
    const first = await generatedBy(args('e2e-seed'), 'first');
    const second = await generatedBy(args('e2e-seed'), 'second');
    const other = await generatedBy(args('another-seed'), 'other');
    expect(first.seed).toBe('e2e-seed');
    expect(first.storedSeed).toBe('e2e-seed');
    expect(first.mailings.flat().length).toBeGreaterThan(0);
    expect(second).toEqual(first);
    expect(first.inProfile).toEqual(first.mailings);
    expect(other.seed).toBe('another-seed');
    expect(other.mailings).not.toEqual(first.mailings);
  }, 60_000);

  it('without the option the sandbox keeps a random seed; with --no-sandbox there is no sandbox to seed', () => {
    expect(serveOptions([]).sandbox?.seed).toBeUndefined();
    expect(serveOptions(['--no-sandbox', '--sandbox-seed', 'x']).sandbox).toBeNull();
  });

  it('an empty seed is a usage mistake (exit 2), told before anything is built or opened, in English and German', async () => {
    for (const args of [['serve', '--sandbox-seed', ''], ['serve', '--sandbox-seed=  ']]) {
      const r = await cli(['--lang', 'en', ...args]);
      expect(r.code).toBe(2);
      expect(r.err[0]).toBe('error USAGE: --sandbox-seed needs a text, for example --sandbox-seed e2e. The same text gives the same sandbox data on every run.');
    }
    const json = await cli(['--lang', 'en', '--json', 'serve', '--sandbox-seed', '']);
    expect(JSON.parse(json.out[0]!)).toEqual({ error: { code: 'USAGE', message: expect.stringContaining('--sandbox-seed needs a text') } });
    const de = await cli(['--lang', 'de', 'serve', '--sandbox-seed', '']);
    expect(de.code).toBe(2);
    expect(de.err.join('\n')).toContain('--sandbox-seed braucht einen Text, zum Beispiel --sandbox-seed e2e.');
    // A seed without a value at all is parseArgs' own mistake, also a usage error.
    expect((await cli(['--lang', 'en', 'serve', '--sandbox-seed'])).code).toBe(2);
  });

  it('the help names the option', async () => {
    const r = await cli(['--lang', 'en', 'help']);
    expect(r.out.join('\n')).toMatch(/serve --sandbox-seed TEXT +fixes the demo sandbox's IDs and simulated responses: the same TEXT and the same uploaded files give the same data/);
  });
});
