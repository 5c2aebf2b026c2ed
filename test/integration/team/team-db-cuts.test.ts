import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../main/app/app-context';
import type { Send } from '../../../shared/contract/sends';
import { startFaultProxy, type FaultPlan, type FaultProxy } from '../../helpers/fault-proxy';
import { recordTeamFigure } from '../../helpers/team-reliability';
import { callIn, startTeam, type TeamSetup } from '../../helpers/team-setup';

const POINTS = 20;
const SEED = 'team-db-cuts-1';
const FINAL = new Set(['sent', 'error', 'cancelled']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('team mode: the connection to PostgreSQL cut at seeded points of a send', () => {
  let proxy: FaultProxy;
  let team: TeamSetup;

  beforeAll(async () => {
    team = await startTeam(['cut'], {
      seed: SEED,
      // Short leases so a workstation cut off mid-send is settled within seconds.
      env: { LOOPDESK_TEAM_LEASE_MS: '1500' },
      // The workstation reaches the team database only through the proxy that cuts it.
      route: async ({ pg: db }) => {
        proxy = await startFaultProxy({ targetPort: db.port, seed: SEED });
        return { teamUrl: `postgres://${db.user}@127.0.0.1:${proxy.port}/${db.database}` };
      },
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await team?.stop();
  });

  it(`${POINTS} seeded cuts: every send ends exactly once, and the source mailing is free again`, async () => {
    const c = team.client;
    const mailingId = c.mailingIds[0];
    const recipients = join(team.dir, 'recipients-30.csv');
    writeFileSync(recipients, ['Email,Salutation,First name,Last name', ...Array.from({ length: 30 }, (_, i) => `p${i}@example.com,Herr,V${i},N${i}`)].join('\n') + '\n');
    const created: Send[] = [];
    const outcomes: string[] = [];
    for (let point = 0; point < POINTS; point++) {
      // A fresh start of the workstation each time: its pool opens new connections, each cut after the seeded byte.
      const plan: FaultPlan = { kind: 'cut', direction: proxy.rng.next() < 0.5 ? 'toServer' : 'toClient', afterBytes: 300 + Math.floor(proxy.rng.next() * 9_000), reset: proxy.rng.next() < 0.5 };
      proxy.setDefault(plan);
      let context: AppContext = await team.open('cut');
      const inspection = await callIn<{ mapping: unknown[] }>(context, 'recipients.inspect', { profile: 'team', client: c.name, path: recipients });
      expect(inspection.ok).toBe(true);
      const result = await callIn<Send>(context, 'sends.create', { profile: 'team', client: c.name, path: recipients, sourceMailingId: mailingId, mapping: (inspection as { value: { mapping: unknown[] } }).value.mapping });
      let id: string | undefined;
      if (result.ok) {
        id = result.value.id;
        // The cut hits wherever it falls: claim, lease, renewal, the publish check, the state mirror.
        for (let i = 0; i < 4; i++) await context.services.sends.tick();
      } else {
        expect(['TEAM_UNAVAILABLE', 'CONFLICT']).toContain(result.error.code);
      }
      // The database is reachable again; the workstation restarts and settles everything.
      await context.close();
      proxy.setDefault({ kind: 'pass' });
      context = await team.open('cut');
      const deadline = Date.now() + 30_000;
      let free = false;
      while (Date.now() < deadline) {
        await context.services.sends.tick();
        await team.sandbox.processNow();
        await context.services.sends.refresh({});
        const active = await activeClaims(mailingId);
        const local = id ? await context.services.sends.get({ id }) : undefined;
        if (active === 0 && (!local || FINAL.has(local.state))) {
          free = true;
          if (local) created.push(local as Send);
          outcomes.push(local ? local.state : result.ok ? 'none' : `refused:${(result as { error: { code: string } }).error.code}`);
          break;
        }
        await sleep(300);
      }
      await context.close();
      expect(free, `point ${point} (${JSON.stringify(plan)}) left the source mailing held`).toBe(true);
    }
    // Exactly once: each recorded send is on the server once (one log, one "received"), or never.
    const logDir = join(c.localDir, 'logs');
    const logs = readdirSync(logDir).filter((n) => n.endsWith('.log'));
    const sent = created.filter((s) => s.state === 'sent');
    expect(logs.sort()).toEqual(sent.map((s) => s.fileName.replace(/\.csv$/, '.log')).sort());
    for (const log of logs) expect(readFileSync(join(logDir, log), 'utf8').split('\n').filter((l) => l.split(/[;,]/)[1]?.replace(/"/g, '') === 'received')).toHaveLength(1);
    for (const s of sent) expect(s.timeline.filter((e) => e.state === 'uploading').length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((s) => s.fileName)).size).toBe(created.length);
    expect(readdirSync(join(c.localDir, 'upload')).filter((n) => n.endsWith('.part'))).toEqual([]);
    expect(proxy.stats().cuts).toBeGreaterThanOrEqual(POINTS);
    expect(sent.length).toBeGreaterThan(0);
    console.log(`[team cuts] ${proxy.stats().cuts} cuts; outcomes: ${outcomes.join(', ')}`);
    recordTeamFigure('b-db-cuts', {
      what: 'team (b): connection to PostgreSQL cut at seeded points of a send (every send ends exactly once, the source mailing is freed)',
      tried: `${POINTS} cuts`,
      survived: `${POINTS} (${sent.length} sent once, ${created.length - sent.length} ended without upload, ${POINTS - created.length} refused while the database was away)`,
      seed: SEED,
    });
  }, 600_000);

  async function activeClaims(mailingId: string): Promise<number> {
    const db = new pg.Client({ connectionString: team.pg.urlWithPassword });
    await db.connect();
    try {
      return Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM team_sends WHERE source_mailing_id = $1 AND active', [mailingId])).rows[0].n);
    } finally {
      await db.end();
    }
  }
});
