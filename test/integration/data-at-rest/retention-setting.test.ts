import { afterEach, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { callService } from '../../helpers/call-service';
import { tempDir } from '../../helpers/temp-dir';

const DAY = 86_400_000;
const dirs: ReturnType<typeof tempDir>[] = [];
const contexts: AppContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  dirs.splice(0).forEach((d) => d.cleanup());
});

async function open(dataDir: string): Promise<AppContext> {
  const c = await openAppContext({ dataDir, host: 'memory', secrets: null });
  contexts.push(c);
  return c;
}

/** `YYYY-MM-DD HH:MM:SS` local wall time, as response files carry it. */
function naive(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

describe('retention set from the app', () => {
  it('applies at once, deletes only what is older, is kept for the next start, and can be turned off', async () => {
    const data = tempDir();
    dirs.push(data);
    let c = await open(data.path);
    expect(await callService(c, 'app.dataAtRest', {})).toEqual({ retentionDays: 0, encrypt: false, encryptAfterRestart: false, restartable: false });

    const old = new Date(Date.now() - 100 * DAY);
    const recent = new Date(Date.now() - 5 * DAY);
    for (const [at, who] of [
      [old, 'old-user@example.com'],
      [recent, 'recent-user@example.com'],
    ] as const) {
      await c.db.run('INSERT INTO clicks VALUES (1, 10, 100, 1000, $1, $2::TIMESTAMP, $3, NULL, NULL, 1)', [who, naive(at), who]);
      await c.db.run("INSERT INTO activity (occurred_at, level, kind, message) VALUES ($1::TIMESTAMPTZ, 'info', 'send', $2)", [at.toISOString(), `sent to ${who}`]);
    }

    const outcome = await callService<{ retentionDays: number; cutoff: string | null; responseRows: number; activity: number }>(c, 'app.setRetention', { days: 30 });
    expect(outcome.retentionDays).toBe(30);
    expect(Date.parse(outcome.cutoff!)).toBeGreaterThan(old.getTime());
    expect(Date.parse(outcome.cutoff!)).toBeLessThan(recent.getTime());
    expect(outcome.responseRows).toBe(1);
    expect(outcome.activity).toBe(1);
    const users = (await c.db.all<{ user_id: string }>('SELECT user_id FROM clicks')).map((r) => r.user_id);
    expect(users).toEqual(['recent-user@example.com']);
    const messages = (await c.db.all<{ message: string }>('SELECT message FROM activity')).map((r) => r.message);
    expect(messages.some((m) => m.includes('old-user'))).toBe(false);
    expect(messages.some((m) => m.includes('recent-user'))).toBe(true);
    expect(messages.some((m) => m.startsWith('Retention (30 days) deleted data older than'))).toBe(true);

    // Kept in the settings file: the next start reads it.
    await c.close();
    contexts.splice(contexts.indexOf(c), 1);
    c = await open(data.path);
    expect(await callService(c, 'app.dataAtRest', {})).toEqual({ retentionDays: 30, encrypt: false, encryptAfterRestart: false, restartable: false });

    const off = await callService<{ cutoff: string | null; responseRows: number }>(c, 'app.setRetention', { days: 0 });
    expect(off).toMatchObject({ retentionDays: 0, cutoff: null, responseRows: 0 });
    expect(await callService(c, 'app.dataAtRest', {})).toEqual({ retentionDays: 0, encrypt: false, encryptAfterRestart: false, restartable: false });
    expect((await c.db.all('SELECT user_id FROM clicks')).length).toBe(1);
  });

  it('refuses a negative or fractional number of days', async () => {
    const data = tempDir();
    dirs.push(data);
    const c = await open(data.path);
    for (const days of [-1, 1.5, 100_000]) {
      const r = await c.dispatcher.handle('app.setRetention', { days }, { transport: 'memory' });
      expect(r.ok, String(days)).toBe(false);
    }
  });
});
