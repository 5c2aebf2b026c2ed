import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { useSandboxApp } from '../../helpers/sandbox-app';

const app = useSandboxApp();

describe('a send whose mailing cannot be started after a good import (the second error case)', () => {
  it('ends in "error" with the server message, the copy’s mailing ID and the error row; the activity log says the start failed', async () => {
    const deactivated = app.sandbox.clients[0].deactivatedMailingIds[0];
    await app.call('mailings.save', { profile: 'Sandbox', client: 'demo', mailing: { id: deactivated, name: 'Winter clearance' } });
    const path = join(app.dataDir, 'winter.csv');
    writeFileSync(path, 'E-Mail;Vorname\nanna@example.com;Anna\nbernd@example.com;Bernd\n');
    const created = await app.call<Send>('sends.create', await app.draft(path, deactivated));
    const done = await app.drive(created.id);

    expect(done.state).toBe('error');
    expect(done.mailingId).toMatch(/^\d{11}$/);
    expect(done.error?.message).toContain(`Mailing ${done.mailingId} could not be started`);
    expect(done.error?.rows).toEqual([expect.objectContaining({ field: 'broadmail_ID', code: 'MAILING_START_FAILED' })]);
    expect(done.timeline.map((t) => t.state)).toEqual(expect.arrayContaining(['imported', 'mailing_created', 'error']));
    expect(done.serverHalted).toBe(true);
    const activity = await app.call<{ entries: { kind: string; level: string; message: string }[] }>('activity.list', { limit: 20 });
    expect(activity.entries.find((e) => e.kind === 'send' && e.level === 'error')?.message).toBe(
      `Send ${done.id}: the server imported ${done.fileName}, but mailing ${done.mailingId} could not be started.`,
    );
    await app.sandbox.restart();
  });
});
