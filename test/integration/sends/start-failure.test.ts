import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startDemoSandbox } from '../../../main/app/demo-sandbox';
import type { SandboxHandle } from '../../../main/services/sandbox';
import { callService } from '../../helpers/call-service';
import { tempDir } from '../../helpers/temp-dir';

let data: ReturnType<typeof tempDir>;
let context: AppContext;
let sandbox: SandboxHandle;
const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

beforeAll(async () => {
  data = tempDir();
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0 });
});
afterAll(async () => {
  await context?.close();
  data?.cleanup();
});

describe('a send whose mailing cannot be started after a good import (the second error case)', () => {
  it('ends in "error" with the server message, the copy’s mailing ID and the error row; the activity log says the start failed', async () => {
    const deactivated = sandbox.clients[0].deactivatedMailingIds[0];
    await call('mailings.save', { profile: 'Sandbox', client: 'demo', mailing: { id: deactivated, name: 'Winter clearance' } });
    const path = join(data.path, 'winter.csv');
    writeFileSync(path, 'E-Mail;Vorname\nanna@example.com;Anna\nbernd@example.com;Bernd\n');
    const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path });
    const created = await call<Send>('sends.create', { profile: 'Sandbox', client: 'demo', path, sourceMailingId: deactivated, mapping: inspection.mapping });
    await context.services.sends.tick();
    await sandbox.processNow();
    const [done] = await call<Send[]>('sends.refresh', { id: created.id });

    expect(done.state).toBe('error');
    expect(done.mailingId).toMatch(/^\d{11}$/);
    expect(done.error?.message).toContain(`Mailing ${done.mailingId} could not be started`);
    expect(done.error?.rows).toEqual([expect.objectContaining({ field: 'broadmail_ID', code: 'MAILING_START_FAILED' })]);
    expect(done.timeline.map((t) => t.state)).toEqual(expect.arrayContaining(['imported', 'mailing_created', 'error']));
    expect(done.serverHalted).toBe(true);
    const activity = await call<{ entries: { kind: string; level: string; message: string }[] }>('activity.list', { limit: 20 });
    expect(activity.entries.find((e) => e.kind === 'send' && e.level === 'error')?.message).toBe(
      `Send ${done.id}: the server imported ${done.fileName}, but mailing ${done.mailingId} could not be started.`,
    );
    await sandbox.restart();
  });
});
