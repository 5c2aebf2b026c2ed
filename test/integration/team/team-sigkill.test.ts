import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import { createRng } from '../../../main/services/sandbox/prng';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';
import { recordTeamFigure } from '../../helpers/team-reliability';
import { startTeam, type TeamSetup } from '../../helpers/team-setup';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const POINTS = Number(process.env.TEAM_KILL_POINTS ?? 20);
const SEED = 'team-sigkill-1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('team mode: a workstation SIGKILLed at seeded points of a send', () => {
  let sftpProxy: FaultProxy;
  let team: TeamSetup;

  beforeAll(async () => {
    team = await startTeam(['a', 'b'], {
      seed: SEED,
      env: { LOOPDESK_TEAM_LEASE_MS: '1500' },
      // Workstation A uploads through a slow link, so a kill lands before, during and after its upload.
      route: async ({ sandbox }) => {
        sftpProxy = await startFaultProxy({ targetPort: sandbox.port, seed: SEED });
        sftpProxy.setDefault({ kind: 'throttle', bytesPerSecond: 150_000 });
        return { sftpPorts: { a: sftpProxy.port } };
      },
    });
  });
  afterAll(async () => {
    await sftpProxy?.stop();
    await team?.stop();
  });

  it(`${POINTS} seeded kills: another workstation (or the same on restart) settles each send from the server, exactly once`, async () => {
    const { client: c, dataDirs, env, sandbox } = team;
    const mailingId = c.mailingIds[0];
    const recipients = join(team.dir, 'recipients-3000.csv');
    writeFileSync(recipients, ['Email,Salutation,First name,Last name', ...Array.from({ length: 3000 }, (_, i) => `person.${i}@example.com,Frau,Vorname${i},Nachname${i}`)].join('\n') + '\n');
    const rng = createRng('team-sigkill', SEED);
    const b: AppContext = await team.open('b');
    const outcomes: string[] = [];
    const uploadDir = join(c.localDir, 'upload');
    const logDir = join(c.localDir, 'logs');
    try {
      for (let point = 0; point < POINTS; point++) {
        const delayMs = Math.floor(rng.next() * 5_000);
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/team-workstation.ts', dataDirs.a, '1', mailingId, recipients, 'team', c.name], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        const accepted = await new Promise<{ id: string; fileName: string } | undefined>((resolve) => {
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            const line = out.split('\n').find((l) => l.includes('"accepted"') || l.includes('"refused"'));
            if (line) resolve(line.includes('"accepted"') ? JSON.parse(line) : undefined);
          });
          void exited.then(() => resolve(undefined));
        });
        expect(accepted, `point ${point}: workstation A could not send: ${out} ${err}`).toBeDefined();
        await sleep(delayMs);
        child.kill('SIGKILL');
        await exited;
        // Workstation B settles what A left, from the server's state; then A restarts and catches up.
        const teamRow = async () => {
          const db = new pg.Client({ connectionString: team.pg.urlWithPassword });
          await db.connect();
          try {
            return (await db.query<{ state: string; active: boolean; workstation: string; file_name: string }>('SELECT state, active, workstation, file_name FROM team_sends WHERE id = $1', [accepted!.id])).rows[0];
          } finally {
            await db.end();
          }
        };
        let row = await teamRow();
        const deadline = Date.now() + 6_000;
        while (row.active && Date.now() < deadline) {
          await b.services.sends.tick();
          await sandbox.processNow();
          await b.services.sends.refresh({});
          row = await teamRow();
          if (row.active) await sleep(300);
        }
        const a = await team.open('a');
        try {
          const settle = Date.now() + 30_000;
          while (row.active && Date.now() < settle) {
            await a.services.sends.tick();
            await b.services.sends.tick();
            await sandbox.processNow();
            await a.services.sends.refresh({});
            await b.services.sends.refresh({});
            row = await teamRow();
            if (row.active) await sleep(300);
          }
          // A second pass: the restarted A must not upload anything again.
          await a.services.sends.tick();
        } finally {
          await a.close();
        }
        expect(row.active, `point ${point} (kill ${delayMs} ms after accepted) left the send in flight (${row.state})`).toBe(false);
        const logName = row.file_name.replace(/\.csv$/, '.log');
        const received = existsSync(join(logDir, logName))
          ? readFileSync(join(logDir, logName), 'utf8').split('\n').filter((l) => l.split(/[;,]/)[1]?.replace(/"/g, '') === 'received').length
          : 0;
        if (row.state === 'sent') expect(received, `point ${point}`).toBe(1);
        else {
          expect(row.state, `point ${point}`).toBe('error');
          expect(received, `point ${point}`).toBe(0);
        }
        // Nothing of the send is left half-way in the upload directory.
        expect(readdirSync(uploadDir).filter((n) => n.startsWith(row.file_name.slice(0, 14))), `point ${point}`).toEqual([]);
        const byB = (await b.services.sends.list({ limit: 1000 })).some((s) => s.id === accepted!.id);
        outcomes.push(`${delayMs}ms:${row.state}${row.state === 'error' ? '(ended by B from the server state)' : byB ? '(adopted by B)' : '(finished by A)'}`);
      }
      if (process.env.TEAM_KILL_DEBUG) console.log(JSON.stringify(await b.dispatcher.handle('activity.list', { limit: 30 }, { transport: 'memory' })).slice(0, 4000));
    } finally {
      await b.close();
    }
    const logs = readdirSync(logDir).filter((n) => n.endsWith('.log'));
    expect(new Set(logs).size).toBe(logs.length);
    console.log(`[team kills] ${outcomes.join(', ')}`);
    recordTeamFigure('b-sigkill', {
      what: 'team (b): a workstation SIGKILLed at seeded points of a send (the send ends exactly once: finished, adopted from the server, or ended without upload)',
      tried: `${POINTS} kills`,
      survived: `${outcomes.length}`,
      seed: SEED,
    });
  }, 900_000);
});
