import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/app/app-context';
import { main } from '../../../main/cli/main';
import { startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import { tempDir } from '../../helpers/temp-dir';

let data: ReturnType<typeof tempDir>;
let sandbox: SandboxHandle;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--data-dir', join(data.path, 'home'), '--lang', 'en', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, { ...process.env, SB_PW: sandbox.password });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  data = tempDir();
  sandbox = await startSandbox({ root: join(data.path, 'sandbox'), port: 0, interval: 0 });
  const c = sandbox.clients[0];
  const context = await openAppContext({ dataDir: join(data.path, 'home'), host: 'cli', secrets: null });
  try {
    const saved = await context.dispatcher.handle(
      'profiles.save',
      {
        profile: {
          name: 'sb',
          host: sandbox.host,
          port: sandbox.port,
          user: sandbox.user,
          auth: { kind: 'password', passwordEnv: 'SB_PW' },
          trustedKeys: [sandbox.fingerprint],
          clients: [{ name: c.name, uploadDir: c.uploadDir, logDir: c.logDir, responseDir: c.responseDir, fields: c.fields, productFields: c.productFields, mailings: c.mailings.map((m) => ({ id: m.id, name: m.name })) }],
        },
      },
      { transport: 'memory' },
    );
    expect(saved.ok).toBe(true);
  } finally {
    await context.close();
  }
  writeFileSync(join(data.path, 'list.csv'), 'Email,First name,Last name\nanna@example.com,Anna,Schmidt\nbad-address,Bad,Row\nbernd@example.com,Bernd,Meier\n');
  writeFileSync(join(data.path, 'none.csv'), 'Email\nbad-address\n');
});
afterAll(async () => {
  await sandbox?.stop();
  data?.cleanup();
});

describe('loopdesk prepare / send / status', () => {
  it('prepare writes the closed-loop file with the default fields and reports as JSON', async () => {
    const out = join(data.path, 'out');
    const r = await cli(['--json', 'prepare', join(data.path, 'list.csv'), '--mailing', '44018617811', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ rows: 3, valid: 2, excludedCount: 1 });
    expect(report.excluded[0].line).toBe(3);
    const written = readFileSync(report.files.subscribers, 'utf8');
    expect(written.split('\n')[0]).toMatch(/^"anna@example.com";"44018617811";"\d+";"";"Anna";"Schmidt"$/);
    expect(readdirSync(out).some((n) => /^\d{14}_subscribers\.csv$/.test(n))).toBe(true);
  });

  it('prepare exits non-zero when no row can be sent', async () => {
    const r = await cli(['prepare', join(data.path, 'none.csv'), '--mailing', '44018617811', '--out', join(data.path, 'out2')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('VALIDATION_FAILED');
  });

  it('send refuses without confirmation when there is no terminal', async () => {
    const r = await cli(['send', join(data.path, 'list.csv'), '--profile', 'sb', '--mailing', sandbox.clients[0].mailings[0].id]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('REAL send to client "demo"');
    expect(r.err).toContain('2 recipients');
    expect(r.err).toContain('--yes');
    expect(readdirSync(join(sandbox.clients[0].localDir, 'upload'))).toEqual([]);
  });

  it('send --yes uploads once; status follows it to the mailing ID', async () => {
    const r = await cli(['--json', 'send', join(data.path, 'list.csv'), '--profile', 'sb', '--mailing', sandbox.clients[0].mailings[0].id, '--yes']);
    expect(r.code, r.err).toBe(0);
    const send = JSON.parse(r.out);
    expect(send.state).toBe('on_server');
    expect(readdirSync(join(sandbox.clients[0].localDir, 'upload'))).toEqual([send.fileName]);
    const report = await sandbox.processNow();
    expect(report.processed).toHaveLength(1);
    const status = await cli(['--json', 'status', send.id]);
    expect(status.code, status.err).toBe(0);
    const after = JSON.parse(status.out);
    expect(after.mailingId).toBe(report.processed[0].mailingIds[0]);
    expect(existsSync(join(sandbox.clients[0].localDir, 'upload', send.fileName))).toBe(false);
  });

  it('status of a scheduled send shows the recipients left out at upload because they were suppressed after preparation, in English and German', async () => {
    // Far enough ahead that `send` (which opens the data dir first) answers before it is due, on a loaded machine too.
    const at = new Date(Date.now() + 8_000).toISOString();
    const r = await cli(['--json', 'send', join(data.path, 'list.csv'), '--profile', 'sb', '--mailing', sandbox.clients[0].mailings[1].id, '--yes', '--at', at]);
    expect(r.code, r.err).toBe(0);
    const send = JSON.parse(r.out);
    expect(send).toMatchObject({ state: 'scheduled', recipients: 2 });
    // Anna unsubscribes after the send was prepared.
    const context = await openAppContext({ dataDir: join(data.path, 'home'), host: 'cli', secrets: null });
    try {
      writeFileSync(join(data.path, 'unsubscribed.csv'), 'Email\nanna@example.com\n');
      expect(await context.dispatcher.handle('responses.suppressionImport', { path: join(data.path, 'unsubscribed.csv'), reason: 'unsubscribed' }, { transport: 'memory' })).toMatchObject({ ok: true });
    } finally {
      await context.close();
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, new Date(at).getTime() - Date.now() + 100)));
    // `status` runs the scheduler pass that uploads, then prints the send with its timeline.
    const status = await cli(['status', send.id]);
    expect(status.code, status.err).toBe(0);
    expect(status.out.split('\n')[0]).toMatch(new RegExp(`^${send.id}\\treal\\ton server\\t.*\\t1 recipient\\t`));
    expect(status.out).toContain('1 recipient was put on the suppression list after this send was prepared and left out; 1 recipient remains.');
    const out: string[] = [];
    expect(await main(['--data-dir', join(data.path, 'home'), '--lang', 'de', 'status', send.id], { out: (l) => out.push(l), err: () => undefined }, { ...process.env, SB_PW: sandbox.password })).toBe(0);
    expect(out.join('\n')).toContain('1 Empfänger wurde nach der Vorbereitung dieses Versands auf die Sperrliste gesetzt und ausgelassen; 1 Empfänger bleibt.');
    const uploaded = readFileSync(join(sandbox.clients[0].localDir, 'upload', send.fileName), 'utf8');
    expect(uploaded).not.toContain('anna@example.com');
    expect(uploaded).toContain('bernd@example.com');
  });
});
