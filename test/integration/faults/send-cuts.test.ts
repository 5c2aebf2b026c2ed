import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { SANDBOX_PROFILE, startDemoSandbox } from '../../../main/app/demo-sandbox';
import type { SandboxHandle } from '../../../main/services/sandbox';
import { createRng } from '../../../main/services/sandbox/prng';
import { startFaultProxy, type FaultPlan, type FaultProxy } from '../../helpers/fault-proxy';
import { tempDir } from '../../helpers/temp-dir';
import { cutPlan, cutSpecs, FAULT_SEED, recordFaults } from './fault-support';
import { callService } from '../../helpers/call-service';
import { changeSandboxProfile } from '../../helpers/sandbox-app';

/** Sends cut during upload; each is cut on its first connection, then retried by the scheduler. */
const CUT_SENDS = 10;
/** The sends service waits 2 s × 2^attempts before retrying an interrupted upload. */
const RETRY_WAIT_MS = 4_100;

const RECIPIENTS = [
  'E-Mail;Anrede;Vorname;Nachname',
  'anna.schmidt@example.com;Frau;Anna;Schmidt',
  'bernd.meier@example.com;Herr;Bernd;Meier',
  'doris.koch@example.com;Frau;Doris;Koch',
].join('\r\n');

describe('sends survive connection cuts during upload (sandbox behind the proxy)', () => {
  const data = tempDir('loopdesk-send-cuts-');
  const rng = createRng('send-cuts', FAULT_SEED);
  const specs = cutSpecs(rng, CUT_SENDS);
  let context: AppContext;
  let sandbox: SandboxHandle;
  let proxy: FaultProxy;
  let calibrated = { bytesToServer: 0, bytesToClient: 0 };
  const counts = { planned: 0, injected: 0, survived: 0 };
  const notes = { interruptedSends: 0, uploadAttempts: [] as number[], processedFiles: 0, seconds: 0 };

  const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

  async function createSend(mailingId: string): Promise<Send> {
    const path = join(data.path, 'recipients.csv');
    if (!existsSync(path)) writeFileSync(path, RECIPIENTS, 'latin1');
    const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: SANDBOX_PROFILE, client: 'demo', path });
    return call<Send>('sends.create', { profile: SANDBOX_PROFILE, client: 'demo', path, sourceMailingId: mailingId, mapping: inspection.mapping });
  }

  const get = (id: string) => call<Send>('sends.get', { id });
  const uploadDir = () => join(sandbox.clients[0].localDir, 'upload');

  /** Polls the server until the send is done, so its source mailing may be used again. */
  async function untilSent(id: string): Promise<Send> {
    let send = await get(id);
    for (let i = 0; i < 5 && send.state !== 'sent' && send.state !== 'error'; i++) [send] = await call<Send[]>('sends.refresh', { id });
    return send;
  }

  beforeAll(async () => {
    const started = Date.now();
    context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
    sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0 });
    proxy = await startFaultProxy({ targetPort: sandbox.port, seed: `${FAULT_SEED}:sends` });
    // The Sandbox profile now goes through the proxy; short timeouts so no fault can hang a tick.
    await changeSandboxProfile(context, (stored) => ({
      host: proxy.host,
      port: proxy.port,
      options: { ...stored.options, connectTimeoutSeconds: 5, operationTimeoutSeconds: 5, keepaliveSeconds: 0 },
    }));
    // A clean send measures the bytes of one upload connection.
    const send = await createSend(sandbox.clients[0].mailingIds[0]);
    const before = proxy.connections().length;
    await context.services.sends.tick();
    expect((await get(send.id)).state).toBe('on_server');
    const conn = proxy.connections()[before];
    calibrated = { bytesToServer: conn.bytesToServer, bytesToClient: conn.bytesToClient };
    await sandbox.processNow();
    expect((await untilSent(send.id)).state).toBe('sent');
    notes.seconds = (Date.now() - started) / 1000;
  });

  afterAll(async () => {
    await context?.close();
    await proxy?.stop();
    data.cleanup();
    await recordFaults('sends.sandbox', { ...counts, notes: { ...notes, calibratedBytes: calibrated } });
  });

  const mailings = 3;
  const batches: number[][] = [];
  for (let i = 0; i < CUT_SENDS; i += mailings) batches.push(Array.from({ length: Math.min(mailings, CUT_SENDS - i) }, (_, k) => i + k));

  batches.forEach((batch, b) => {
    it(`batch ${b}: ${batch.length} send(s) cut during upload go out exactly once`, async () => {
      const started = Date.now();
      const sends = [];
      for (let k = 0; k < batch.length; k++) sends.push(await createSend(sandbox.clients[0].mailingIds[k]));

      // Every connection of this pass gets a seeded cut: the uploads, and any clean-up reconnects.
      const plans: FaultPlan[] = [];
      for (const i of batch) plans.push(cutPlan(specs[i], calibrated), cutPlan(specs[(i + 5) % specs.length], calibrated));
      const firstConn = proxy.connections().length;
      proxy.planNext(...plans);
      await context.services.sends.tick();
      proxy.clearQueue();
      const fired = proxy.connections().slice(firstConn).filter((c) => c.injected === 'cut').length;
      counts.planned += batch.length;
      counts.injected += Math.min(fired, batch.length);

      // The proxy passes again; the scheduler retries once its back-off has passed.
      await new Promise((r) => setTimeout(r, RETRY_WAIT_MS));
      await context.services.sends.tick();

      const after = await Promise.all(sends.map((s) => get(s.id)));
      for (const send of after) {
        expect(send.state).toBe('on_server');
        const interrupted = send.timeline.filter((t) => t.message.startsWith('Interrupted:'));
        if (interrupted.length > 0) {
          notes.interruptedSends += 1;
          expect(interrupted.every((t) => t.state === 'uploading' && /Loopdesk will try again/.test(t.message))).toBe(true);
          expect(send.timeline.some((t) => /Uploading again \(attempt 2\)/.test(t.message))).toBe(true);
        }
        notes.uploadAttempts.push(send.timeline.filter((t) => t.state === 'uploading' && /^Uploading/.test(t.message)).length);
      }
      expect(readdirSync(uploadDir()).filter((n) => n.endsWith('.part'))).toEqual([]);
      expect(readdirSync(uploadDir()).sort()).toEqual(after.map((s) => s.fileName).sort());

      // The server's run takes each send's file once: never two copies, one mailing each.
      const report = await sandbox.processNow();
      expect(report.failed).toEqual([]);
      expect(report.processed.map((p) => p.file).sort()).toEqual(after.map((s) => s.fileName).sort());
      notes.processedFiles += report.processed.length;
      for (const p of report.processed) expect(p.mailingIds).toHaveLength(1);
      for (const send of after) {
        const done = await untilSent(send.id);
        expect(done.state).toBe('sent');
        const log = readFileSync(join(sandbox.clients[0].localDir, 'logs', send.fileName.replace(/\.csv$/, '.log')), 'utf8');
        const created = log.split(/\r?\n/).filter((l) => l.split(';')[1]?.replace(/"/g, '') === 'mailing_created');
        expect(created).toHaveLength(1);
        expect(created[0]).toContain(done.mailingId!);
      }
      counts.survived += Math.min(fired, batch.length);
      notes.seconds += (Date.now() - started) / 1000;
    });
  });

  it('cut most sends on their first attempt', () => {
    expect(counts.injected).toBeGreaterThanOrEqual(Math.floor(CUT_SENDS * 0.8));
    expect(notes.interruptedSends).toBeGreaterThanOrEqual(Math.floor(CUT_SENDS * 0.6));
  });
});
