import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main';
import { startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import { startPostgres, type PostgresHandle } from '../../helpers/postgres';
import { recordTeamFigure } from '../../helpers/team-reliability';
import { saveTeamProfile, teamEnv } from '../../helpers/team-setup';
import { tempDir } from '../../helpers/temp-dir';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const WORKSTATIONS = 4;
const ATTEMPTS = 25;

interface Line {
  t: 'accepted' | 'ended' | 'refused' | 'exit';
  id?: string;
  state?: string;
  fileName?: string;
  uploads?: number;
  code?: string;
  message?: string;
  at: number;
}

/** Runs the CLI in this process; returns exit code and output. */
async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['--lang', 'en', ...args], { out: (s: string) => void (out += `${s}\n`), err: (s: string) => void (err += `${s}\n`) } as never, env);
  return { code, out, err };
}

describe('team mode: four workstations, one source mailing', () => {
  let pgServer: PostgresHandle;
  let sandbox: SandboxHandle;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    pgServer = await startPostgres();
    dir = tempDir('loopdesk-team-');
    sandbox = await startSandbox({ root: join(dir.path, 'sandbox'), port: 0, interval: 1, seed: 'team-a', haltOnError: false });
  });
  afterAll(async () => {
    await sandbox?.stop();
    await pgServer?.stop();
    dir?.cleanup();
  });

  it(`${WORKSTATIONS} processes × ${ATTEMPTS} attempts: one send in flight at a time, each accepted send uploaded once, every name unique`, async () => {
    const env = teamEnv(pgServer, sandbox);
    // A password in the URL is refused; the environment variable carries it.
    const withPassword = await cli(['team', 'init', '--url', pgServer.urlWithPassword], env);
    expect(withPassword.code).toBe(1);
    expect(withPassword.err).toMatch(/contains a password/);
    expect((await cli(['team', 'init', '--url', pgServer.url], env)).out).toMatch(/applied migrations? 1, 2\b/);
    expect((await cli(['team', 'init', '--url', pgServer.url], env)).out).toMatch(/up to date/);

    const c = sandbox.clients[0];
    const mailingId = c.mailingIds[0];
    const recipients = join(dir.path, 'recipients.csv');
    writeFileSync(recipients, ['Email,Salutation,First name,Last name', ...Array.from({ length: 50 }, (_, i) => `p${i}@example.com,Frau,V${i},N${i}`)].join('\n') + '\n');
    const dataDirs: string[] = [];
    for (let i = 0; i < WORKSTATIONS; i++) {
      const dataDir = join(dir.path, `ws${i}`);
      mkdirSync(dataDir, { recursive: true });
      await saveTeamProfile(dataDir, sandbox);
      const joined = await cli(['--data-dir', dataDir, 'team', 'join', '--url', pgServer.url, '--name', `ws${i}`], env);
      expect(joined.code, joined.err).toBe(0);
      dataDirs.push(dataDir);
    }

    const runs = await Promise.all(
      dataDirs.map(
        (dataDir) =>
          new Promise<{ lines: Line[]; stderr: string; code: number | null }>((resolve) => {
            const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/team-workstation.ts', dataDir, String(ATTEMPTS), mailingId, recipients, 'team', c.name], {
              cwd: REPO,
              env,
              stdio: ['ignore', 'pipe', 'pipe'],
            });
            let out = '';
            let err = '';
            child.stdout.on('data', (b: Buffer) => (out += b.toString()));
            child.stderr.on('data', (b: Buffer) => (err += b.toString()));
            child.once('exit', (code) => resolve({ lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line), stderr: err, code }));
          }),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const lines = runs.flatMap((r) => r.lines);
    const accepted = lines.filter((l) => l.t === 'accepted');
    const ended = lines.filter((l) => l.t === 'ended');
    const refused = lines.filter((l) => l.t === 'refused');
    expect(accepted.length + refused.length).toBe(WORKSTATIONS * ATTEMPTS);
    expect(accepted.length).toBeGreaterThan(1);
    // Every refusal is the source-mailing lock, never anything else.
    expect(new Set(refused.map((r) => r.code))).toEqual(new Set(['CONFLICT']));
    // Every accepted send went out, with one upload each.
    expect(ended).toHaveLength(accepted.length);
    for (const e of ended) expect([e.state, e.uploads]).toEqual(['sent', 1]);

    // The server's side: one log per accepted send, each received once; names never repeat.
    const names = ended.map((e) => e.fileName!);
    expect(new Set(names).size).toBe(names.length);
    const logDir = join(c.localDir, 'logs');
    const logs = readdirSync(logDir).filter((n) => n.endsWith('.log'));
    expect(logs.sort()).toEqual(names.map((n) => n.replace(/\.csv$/, '.log')).sort());
    for (const log of logs) expect(readFileSync(join(logDir, log), 'utf8').split('\n').filter((l) => l.split(/[;,]/)[1]?.replace(/"/g, '') === 'received')).toHaveLength(1);

    // The team journal: never two sends of this mailing in flight at once (database clock).
    const db = new pg.Client({ connectionString: pgServer.urlWithPassword });
    await db.connect();
    const rows = (await db.query<{ id: string; created_at: Date; released_at: Date | null; state: string }>('SELECT id, created_at, released_at, state FROM team_sends WHERE source_mailing_id = $1 ORDER BY created_at', [mailingId])).rows;
    const reserved = (await db.query<{ n: string }>('SELECT count(*) AS n FROM team_file_names')).rows[0];
    await db.end();
    expect(rows.map((r) => r.id).sort()).toEqual(accepted.map((a) => a.id!).sort());
    for (let i = 1; i < rows.length; i++) expect(rows[i].created_at.getTime()).toBeGreaterThanOrEqual(rows[i - 1].released_at!.getTime());
    expect(rows.every((r) => r.state === 'sent' && r.released_at)).toBe(true);
    expect(Number(reserved.n)).toBeGreaterThanOrEqual(accepted.length);
    console.log(`[team] ${accepted.length} accepted, ${refused.length} refused by the lock, ${WORKSTATIONS} workstations`);
    recordTeamFigure('a-concurrent', {
      what: `team (a): ${WORKSTATIONS} workstation processes send one source mailing concurrently (one in flight at a time, each accepted send uploaded once, file names unique)`,
      tried: `${WORKSTATIONS * ATTEMPTS} attempts`,
      survived: `${accepted.length} sent once, ${refused.length} refused by the lock`,
      seed: '–',
    });
  }, 300_000);
});
