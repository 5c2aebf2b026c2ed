import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createApi } from '../../../shared/contract/client';
import { createSocketTransport } from '../../../shared/contract/wire';
import { startSandbox, type SandboxHandle } from '../../../main/services/sandbox';
import { DOOR_FILE } from '../../../main/host/browser/door-file';
import { buildCliBundle, CLI_BIN, runCliLoop, spawnCli } from '../../helpers/cli-loop';
import { tempDir } from '../../helpers/temp-dir';

let data: ReturnType<typeof tempDir>;
let sandbox: SandboxHandle;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await buildCliBundle();
  data = tempDir();
  sandbox = await startSandbox({ root: join(data.path, 'sandbox'), port: 0, interval: 1 });
  env = { ...process.env, SB_PW: sandbox.password };
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
  data?.cleanup();
});

function expectLoop(outcome: Awaited<ReturnType<typeof runCliLoop>>) {
  expect(outcome.testSend).toMatchObject({ test: true, state: 'sent' });
  expect(outcome.testSend.mailingId).toMatch(/^\d+$/);
  expect(outcome.realSend).toMatchObject({ test: false, state: 'sent', recipients: 2, excluded: 1 });
  expect(outcome.realSend.mailingId).toMatch(/^\d+$/);
  expect(outcome.pulled.files.length).toBeGreaterThan(0);
  expect(outcome.pulled.files.every((f) => f.outcome !== 'rejected')).toBe(true);
  expect(outcome.report.sheets.length).toBeGreaterThan(0);
  expect(outcome.printed).not.toContain(sandbox.password);
}

describe('the whole closed loop with the loopdesk CLI alone (spawned processes, fresh data dir)', () => {
  // eslint-disable-next-line vitest/expect-expect -- expectLoop asserts every step of the loop
  it('import → client set → mailing add → prepare → test send → real send → status → pull → export', async () => {
    const work = join(data.path, 'alone');
    mkdirSync(work, { recursive: true });
    expectLoop(await runCliLoop({ dataDir: join(work, 'home'), workDir: work, sandbox, env }));
  }, 180_000);

  it('the same while `loopdesk serve` owns the data dir: every command goes through it, only it writes the data file', async () => {
    const work = join(data.path, 'served');
    const home = join(work, 'home');
    mkdirSync(work, { recursive: true });
    const serve: ChildProcess = spawn(process.execPath, [CLI_BIN, '--data-dir', home, '--json', 'serve', '--port', '0', '--no-sandbox'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let served = '';
    serve.stdout!.on('data', (d: Buffer) => (served += d.toString('utf8')));
    serve.stderr!.on('data', (d: Buffer) => (served += d.toString('utf8')));
    try {
      await expect.poll(() => served, { timeout: 60_000, interval: 100 }).toMatch(/"url":/);
      const { url, pid } = JSON.parse(served.split('\n').find((l) => l.startsWith('{'))!) as { url: string; pid: number };
      const token = new URL(url).searchParams.get('token')!;
      // The token is in a file only this user can read, and nothing the CLI prints carries it.
      const door = join(home, DOOR_FILE);
      expect(statSync(door).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(door, 'utf8'))).toMatchObject({ token, pid });

      const info = await spawnCli(home, ['--json', 'status'], env);
      expect(info.code, info.err).toBe(0);
      expect(info.err).not.toContain('DATA_DIR_IN_USE');
      // Retention set from the CLI is applied by the running owner at once.
      const retention = await spawnCli(home, ['--json', 'settings', 'set', 'retention-days', '400'], env);
      expect(retention.code, retention.err).toBe(0);
      expect(JSON.parse(retention.out)).toMatchObject({ retentionDays: 400 });
      expect(JSON.parse((await spawnCli(home, ['--json', 'settings', 'show'], env)).out)).toMatchObject({ retentionDays: 400, encrypt: false });
      // The language chosen from the CLI goes through the running owner too, so its windows switch at once.
      const german = await spawnCli(home, ['--json', 'settings', 'set', 'language', 'de'], env);
      expect(german.code, german.err).toBe(0);
      expect(JSON.parse(german.out)).toEqual({ language: 'de', chosen: true });
      expect(JSON.parse((await spawnCli(home, ['--json', 'settings', 'show'], env)).out)).toMatchObject({ language: 'de', languageChosen: true });
      expect((await spawnCli(home, ['settings', 'set', 'language', 'en'], env)).code).toBe(0);

      const outcome = await runCliLoop({ dataDir: home, workDir: work, sandbox, env });
      expectLoop(outcome);
      expect(outcome.printed).not.toContain(token);
      // The data dir's lock stayed with serve the whole time: the CLI never opened the data file.
      expect(readFileSync(join(home, 'loopdesk.lock'), 'utf8').split(' ')[0]).toBe(String(pid));

      // `status --watch` follows a send started in the app (here: a client of the host's
      // WebSocket, as the browser UI is), from queued to sent, one JSON document per change.
      const watch = spawn(process.execPath, [CLI_BIN, '--data-dir', home, '--json', 'status', '--watch', '--every', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let watched = '';
      watch.stdout!.on('data', (d: Buffer) => (watched += d.toString('utf8')));
      watch.stderr!.on('data', (d: Buffer) => (watched += d.toString('utf8')));
      try {
        await expect.poll(() => watched, { timeout: 30_000 }).toMatch(/^\[/);
        const socket = new WebSocket(`ws://127.0.0.1:${new URL(url).port}/ws?token=${token}`, { origin: new URL(url).origin });
        await new Promise((r) => socket.once('open', r));
        const api = createApi(createSocketTransport(socket as never));
        const inspected = await api.recipients.inspect({ profile: 'sb', client: sandbox.clients[0].name, path: join(work, 'recipients.csv') });
        if (!inspected.ok) throw new Error(inspected.error.message);
        const started = await api.sends.create({
          profile: 'sb',
          client: sandbox.clients[0].name,
          path: join(work, 'recipients.csv'),
          sourceMailingId: outcome.sourceMailingId,
          mapping: inspected.value.mapping,
          products: { path: join(work, 'products.csv') },
          // A few seconds ahead, so the watch sees the send before it goes out whatever the machine's speed.
          scheduledAt: new Date(Date.now() + 6_000).toISOString(),
        });
        socket.close();
        expect(started.ok, JSON.stringify(started)).toBe(true);
        const id = started.ok ? started.value.id : '';
        const states = () =>
          watched
            .split('\n')
            .filter((l) => l.startsWith('['))
            .map((l) => (JSON.parse(l) as { id: string; state: string }[]).find((s) => s.id === id)?.state)
            .filter(Boolean);
        await expect.poll(states, { timeout: 60_000, interval: 250 }).toContain('sent');
        expect(states()[0]).toBe('scheduled');
      } finally {
        watch.kill('SIGTERM');
        await new Promise((r) => watch.once('close', r));
      }
    } finally {
      serve.kill('SIGTERM');
      await new Promise((r) => serve.once('close', r));
    }
    expect(existsSync(join(home, DOOR_FILE))).toBe(false);
    // Once serve is gone, the CLI opens the data dir itself and finds what serve recorded.
    const after = await spawnCli(home, ['--json', 'status'], env);
    expect(after.code, after.err).toBe(0);
    expect((JSON.parse(after.out) as unknown[]).length).toBe(3);
  }, 240_000);
});
