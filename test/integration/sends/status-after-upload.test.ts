import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { Send } from '../../../shared/contract/sends';
import { useSandboxApp } from '../../helpers/sandbox-app';

/**
 * Right after an upload the scheduler checks the log folder at the short interval (shortened here
 * through the scheduler option from 30 s to 300 ms) until the server reports the mailing, even
 * though the profile polls only every minute. The sandbox runs its import every second, as a
 * server's cron job would; nothing here calls "check now".
 *
 * The sandbox writes its log times as this machine's wall clock, and the demo client has no zone
 * setting, so the server times in the timeline must stand for (about) the instants Loopdesk saw
 * the steps. Run with TZ=Asia/Tokyo (or any zone but UTC): read as UTC they would be hours off.
 */

const app = useSandboxApp({ interval: 1 });

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('status right after an upload', () => {
  it('the mailing ID shows within seconds at the short interval, with the server log times in the timeline', async () => {
    expect(app.context.services.profiles.stored('Sandbox').options.pollMinutes).toBe(1);
    const path = join(app.dataDir, 'recipients.csv');
    if (!existsSync(path)) writeFileSync(path, 'E-Mail;Vorname\nanna@example.com;Anna\nbernd@example.com;Bernd\n');
    const created = await app.call<Send>('sends.create', await app.draft(path, app.sandbox.clients[0].mailings[0].id));
    app.context.services.sends.startScheduler({ tickMs: 100, fastPollMs: 300 });
    try {
      const done = await until('the mailing ID', async () => {
        const s = await app.call<Send>('sends.get', { id: created.id });
        return s.mailingId ? s : undefined;
      }, 15_000);
      expect(done.mailingId).toMatch(/^\d+$/);

      const log = readFileSync(join(app.sandbox.clients[0].localDir, 'logs', done.fileName.replace(/\.csv$/, '.log')), 'utf8');
      const rows = Papa.parse<Record<string, string>>(log, { header: true, delimiter: ';', skipEmptyLines: true }).data;
      const logTimes = new Map(rows.map((r) => [r.event, r.timestamp] as const));
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const created_ = done.timeline.find((t) => t.state === 'mailing_created');
      expect(created_?.server).toMatchObject({ time: logTimes.get('mailing_created'), timeZone: zone });
      for (const step of done.timeline.filter((t) => t.server)) {
        // The server's time (read in the workstation zone) and the time Loopdesk saw the step are seconds apart.
        expect(Math.abs(Date.parse(step.server!.at!) - Date.parse(step.at)), `${step.state}: server ${step.server!.time}, seen ${step.at}`).toBeLessThan(10_000);
      }
      // Steps Loopdesk saw itself carry no server time: their clock is this workstation's.
      expect(done.timeline.find((t) => t.state === 'queued')?.server).toBeNull();
    } finally {
      await app.context.services.sends.stopScheduler();
    }
  });
});
