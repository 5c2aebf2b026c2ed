import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_MIGRATIONS } from '../../main/app/app-migrations';
import { EventBus } from '../../main/core/event-bus';
import { createActivityService } from '../../main/services/activity/activity-service';
import { createProfilesService } from '../../main/services/profiles/profiles-service';
import { createRecipientsService } from '../../main/services/recipients/recipients-service';
import { startSandbox } from '../../main/services/sandbox';
import { createSendsService } from '../../main/services/sends/sends-service';
import { Database } from '../../main/services/store/database';
import type { SendClaims } from '../../main/services/store/send-claims';
import { openSettings } from '../../main/services/store/settings';
import { migrateTeamDatabase, openTeamStore, type TeamStore } from '../../main/services/team/team-store';
import { ProfileInput } from '../../shared/contract/profiles';
import { startPostgres } from '../helpers/postgres';
import type { BenchResult } from './run-bench';

/** Recipients of the measured file (issue 16). */
const RECIPIENTS = 10_000;
/** Measured sends; the median ratio is reported. */
const SENDS = 3;
/** The send path's team bookkeeping: claim, name reservations, the upload lease (take, check before publishing, give back). */
const BOOKKEEPING = ['claim', 'reserveNames', 'acquireLease', 'assertLease', 'releaseLease'] as const satisfies readonly (keyof SendClaims)[];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The store with the time spent in each bookkeeping call added to `spent.ms`. */
function timed(store: TeamStore, spent: { ms: number }): TeamStore {
  const wrapped = { ...store } as Record<string, unknown>;
  for (const name of BOOKKEEPING) {
    const original = store[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        spent.ms += performance.now() - started;
      }
    };
  }
  return wrapped as unknown as TeamStore;
}

/** A workstation that claims, leases and ends sends as fast as it can, on its own source mailings in the same upload folder. */
async function contend(store: TeamStore, uploadDir: string, index: number, until: () => boolean): Promise<number> {
  let n = 0;
  while (!until()) {
    const sendId = `contender-${index}-${n}`;
    // Names of a day long past: the measured send's names (stamped now) must never meet theirs.
    const stamp = `20200101${String(100000 + ((n * 7 + index) % 90000)).padStart(6, '0')}`;
    try {
      await store.claim({ sendId, profile: 'bench', client: 'demo', sourceMailingId: `900000000${index}`, sourceMailingName: `contender ${index}`, test: false, state: 'queued', recipients: RECIPIENTS, uploadDir, logDir: 'logs', fileName: `${stamp}_subscribers.csv`, productsFileName: null });
      await store.acquireLease(sendId);
      await store.assertLease(sendId);
      await store.releaseLease(sendId);
      await store.recordState({ sendId, state: 'sent', message: 'bench' });
    } catch {
      // A contender's conflict is part of the load, not of the figure.
    }
    n++;
  }
  return n;
}

/**
 * Team mode (issue 16): the time a real send of a 10,000-recipient file spends in team
 * bookkeeping (claim, name reservation, upload lease: take, check, give back) as a share of the
 * whole send (prepare, claim, upload through the sandbox until the file is on the server), with
 * three more workstations claiming and leasing sends on the same team database all the while.
 * Target: ratio <= 0.05.
 */
export async function runTeamBench(): Promise<BenchResult[]> {
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'loopdesk-team-bench-'));
  const sandbox = await startSandbox({ root: join(dir, 'sandbox'), port: 0, interval: 0, seed: 'team-bench', haltOnError: false });
  const stores: TeamStore[] = [];
  let db: Database | undefined;
  try {
    await migrateTeamDatabase({ url: pg.url, password: pg.password });
    for (let i = 0; i < 4; i++) stores.push(await openTeamStore({ url: pg.url, password: pg.password, workstation: `bench-${i}`, workstationName: `bench ${i}` }));
    const c = sandbox.clients[0];
    const dataDir = join(dir, 'ws');
    mkdirSync(dataDir, { recursive: true });
    db = await Database.open(join(dataDir, 'loopdesk.duckdb'), ALL_MIGRATIONS);
    const bus = new EventBus();
    const activity = createActivityService(db, bus);
    const env = { ...process.env, TEAM_BENCH_SB_PW: sandbox.password };
    const profiles = createProfilesService({ settings: openSettings(dataDir), secrets: undefined, log: activity.log, env });
    // Through the contract's schema, as the dispatcher would: the defaults fill every other setting.
    await profiles.save({
      profile: ProfileInput.parse({
        name: 'bench',
        host: '127.0.0.1',
        port: sandbox.port,
        user: sandbox.user,
        auth: { kind: 'password', passwordEnv: 'TEAM_BENCH_SB_PW' },
        trustedKeys: [sandbox.fingerprint],
        clients: [{ name: c.name, uploadDir: c.uploadDir, logDir: c.logDir, responseDir: c.responseDir, fields: c.fields, productFields: c.productFields, mailings: c.mailings }],
      }),
      replace: false,
    });
    const suppressed = async () => () => undefined;
    const recipients = createRecipientsService({ db, bus, dataDir, profiles, suppressed });
    const spent = { ms: 0 };
    const sends = createSendsService({ db, bus, dataDir, profiles, log: activity.log, suppressed, team: timed(stores[0], spent) });
    const file = join(dir, 'recipients.csv');
    const rows = ['Email,Salutation,First name,Last name'];
    for (let i = 0; i < RECIPIENTS; i++) rows.push(`r${i}@example.com,Frau,Anna ${i},Muster`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const inspection = await recipients.inspect({ profile: 'bench', client: c.name, path: file, open: {} });

    let stop = false;
    const contenders = stores.slice(1).map((s, i) => contend(s, c.uploadDir, i + 1, () => stop));
    const ratios: number[] = [];
    const wholes: number[] = [];
    const bookkeeping: number[] = [];
    try {
      for (let i = 0; i < SENDS; i++) {
        spent.ms = 0;
        const started = performance.now();
        const send = await sends.create({ profile: 'bench', client: c.name, path: file, sourceMailingId: c.mailingIds[i], mapping: inspection.mapping, test: false, scheduledAt: null, testRows: 3 } as never);
        await sends.tick();
        const after = await sends.get({ id: send.id });
        const whole = performance.now() - started;
        if (after.state !== 'on_server') throw new Error(`the measured send ended ${after.state}: ${after.timeline.at(-1)?.message}`);
        wholes.push(whole);
        bookkeeping.push(spent.ms);
        ratios.push(spent.ms / whole);
      }
    } finally {
      stop = true;
    }
    const contended = (await Promise.all(contenders)).reduce((a, b) => a + b, 0);
    await sends.stopScheduler();
    const at = ratios.indexOf(median(ratios));
    return [
      {
        bench: `team.bookkeeping-share (10,000 recipients, 4 workstations; ${contended} contending claims)`,
        value: Math.round(bookkeeping[at]),
        unit: 'ms',
        baseline: Math.round(wholes[at]),
        ratio: Number(ratios[at].toFixed(3)),
        target: 'ratio <= 0.05',
        peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      },
    ];
  } finally {
    for (const s of stores) await s.close();
    await db?.close();
    await sandbox.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
