import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../shared/contract/profiles';
import type { Send } from '../../../shared/contract/sends';
import { useSandboxApp } from '../../helpers/sandbox-app';

const app = useSandboxApp();

describe('a send of a removed profile', () => {
  it('a scheduled send whose profile was removed fails at its time, naming the removal and how to restore; nothing reaches the server, and a restore does not send it', async () => {
    const path = join(app.dataDir, 'removed-profile.csv');
    writeFileSync(path, 'E-Mail;Vorname\nanna@example.com;Anna\n');
    const client = app.sandbox.clients[0];
    const created = await app.call<Send>('sends.create', { ...(await app.draft(path, client.mailings[0].id)), scheduledAt: new Date(Date.now() + 1_500).toISOString() });
    expect(created.state).toBe('scheduled');

    await app.call('profiles.remove', { name: 'Sandbox' });
    await new Promise((r) => setTimeout(r, 1_700));
    await app.context.services.sends.tick();
    const failed = await app.call<Send>('sends.get', { id: created.id });
    expect(failed.state).toBe('error');
    expect(failed.error?.text?.id).toBe('error.profiles.removed');
    expect(failed.error?.message).toContain('Profile “Sandbox” was removed by');
    expect(readdirSync(join(client.localDir, 'upload')).filter((f) => f.endsWith('.csv'))).toEqual([]);

    // Restoring the profile brings the connection back, not the send: it stays failed, never sent twice or late.
    expect(await app.call<Profile>('profiles.restore', { name: 'Sandbox' })).toMatchObject({ name: 'Sandbox', secretAvailable: true });
    await app.context.services.sends.tick();
    expect((await app.call<Send>('sends.get', { id: created.id })).state).toBe('error');
    expect(readdirSync(join(client.localDir, 'upload')).filter((f) => f.endsWith('.csv'))).toEqual([]);
  });
});

describe('the scheduler with a removed profile', () => {
  it("keeps checking the other profiles' sends on the server while a removed profile's send waits unasked", async () => {
    const stored = app.context.services.profiles.stored('Sandbox');
    await app.call('profiles.save', {
      profile: { name: 'Second', host: stored.host, port: stored.port, user: stored.user, auth: { kind: 'password', password: app.sandbox.password }, trustedKeys: [...stored.trustedKeys], clients: stored.clients, options: stored.options },
    });
    const client = app.sandbox.clients[0];
    const sendOn = async (profile: string, name: string) => {
      const path = join(app.dataDir, `${name}.csv`);
      writeFileSync(path, `E-Mail;Vorname\n${name}@example.com;${name}\n`);
      const inspection = await app.call<{ mapping: unknown[] }>('recipients.inspect', { profile, client: 'demo', path });
      const created = await app.call<Send>('sends.create', { profile, client: 'demo', path, sourceMailingId: client.mailings[0].id, mapping: inspection.mapping });
      await app.context.services.sends.tick();
      const sent = await app.call<Send>('sends.get', { id: created.id });
      expect(sent.state).toBe('on_server');
      return sent;
    };
    // The other profile's send first, the removed profile's send newest (the scheduler lists newest first).
    const other = await sendOn('Second', 'bert');
    await new Promise((r) => setTimeout(r, 1_100)); // the next send takes the next second's name
    await sendOn('Sandbox', 'carla');
    await app.call('profiles.remove', { name: 'Sandbox' });

    const checkedBefore = (await app.call<Send>('sends.get', { id: other.id })).lastCheckedAt;
    expect(checkedBefore).not.toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    app.context.services.sends.startScheduler({ fastPollMs: 1, tickMs: 3_600_000 });
    try {
      await app.context.services.sends.tick();
    } finally {
      await app.context.services.sends.stopScheduler();
    }
    const checkedAfter = (await app.call<Send>('sends.get', { id: other.id })).lastCheckedAt;
    expect(Date.parse(checkedAfter!)).toBeGreaterThan(Date.parse(checkedBefore!));
  });
});
