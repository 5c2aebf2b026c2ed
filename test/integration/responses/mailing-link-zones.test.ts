import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import type { SendRecord } from '../../../main/services/sends/send-journal';
import { callService } from '../../helpers/call-service';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { tempDir } from '../../helpers/temp-dir';

/**
 * A response mailing without a mailing ID in any send's log is tied to a send by its source
 * mailing and start time. The server writes that time without a zone, in the client's zone
 * (interpretation.md, "Server times"). The instant S the mailing started is the same for every
 * client; each client's file shows S as its own wall clock. Two sends per client, created one hour
 * before and one hour after S: only the right reading links the earlier one (read an hour or more
 * too late it links the later one, too early none). The expected texts are written out here, so
 * the zone of the test process (run it with TZ=Asia/Tokyo or UTC) cannot make the test pass; a
 * reading in the workstation's zone fails for at least one of the two named zones.
 */

const run = promisify(execFile);
const S = new Date('2026-07-01T12:00:00Z');
const p2 = (n: number) => String(n).padStart(2, '0');
const localWall = (d: Date) => `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;

const CLIENTS = [
  { name: 'newyork', timeZone: 'America/New_York', group: '44018617001', mailing: '51106520001', started: '2026-07-01 08:00:00' },
  { name: 'berlin', timeZone: 'Europe/Berlin', group: '44018617002', mailing: '51106520002', started: '2026-07-01 14:00:00' },
  // No setting: the workstation's zone, whichever the test runs in.
  { name: 'here', timeZone: '', group: '44018617003', mailing: '51106520003', started: localWall(S) },
];

let sshd: SshdHandle;
let data: ReturnType<typeof tempDir>;
let context: AppContext;

function send(id: string, client: string, group: string, createdAt: Date): SendRecord {
  return {
    id, profile: 'zones', client, sourceMailingId: group, sourceMailingName: `Newsletter ${client}`, waveId: '1', test: false, state: 'sent',
    scheduledAt: createdAt, createdAt, updatedAt: createdAt, inputFile: '/nowhere.csv', draftJson: '{}', recipients: 1, excluded: 0,
    fileName: `${id}_subscribers.csv`, productsFileName: null, workDir: join(data.path, 'w', id), archiveDir: join(data.path, 'a', id),
    uploadDir: 'upload', logDir: 'logs', uploadAttempts: 1, namesFinal: true, mailingId: null, error: null, serverHalted: false, lastCheckedAt: null,
  };
}

beforeAll(async () => {
  sshd = await startSshd();
  data = tempDir();
  for (const c of CLIENTS) {
    for (const d of ['upload', 'logs', 'responses']) mkdirSync(join(sshd.root, c.name, d), { recursive: true });
    writeFileSync(
      join(sshd.root, c.name, 'responses', '20260701_mailings.csv'),
      `"id";"compoundMasterId";"mailingGroupId";"mailing.recipientLists";"started";"finished"\n"${c.mailing}";"71206365463";"${c.group}";"58243723257";"${c.started}";""\n`,
    );
  }
  await run('chown', ['-R', `${sshd.user}:`, sshd.root]);
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  await callService(context, 'profiles.save', {
    profile: {
      name: 'zones', host: sshd.host, port: sshd.port, user: sshd.user,
      auth: { kind: 'password', password: sshd.password }, trustedKeys: [sshd.hostKeyFingerprint],
      clients: CLIENTS.map((c) => ({
        name: c.name, timeZone: c.timeZone,
        uploadDir: join(sshd.root, c.name, 'upload'), logDir: join(sshd.root, c.name, 'logs'), responseDir: join(sshd.root, c.name, 'responses'),
      })),
    },
  });
  const journal = context.services.sends.journal;
  for (const c of CLIENTS) {
    await journal.insert(send(`${c.name}-before`, c.name, c.group, new Date(S.getTime() - 3_600_000)), 'Recorded by the test.');
    await journal.insert(send(`${c.name}-after`, c.name, c.group, new Date(S.getTime() + 3_600_000)), 'Recorded by the test.');
  }
  await callService(context, 'responses.pull', { profile: 'zones' });
});
afterAll(async () => {
  await context?.close();
  await sshd?.stop();
  data?.cleanup();
});

describe('linking response mailings to sends by start time', () => {
  it.each(CLIENTS)('$name ($timeZone): the start time is read in the client zone', async (c) => {
    const mailings = await callService<{ mailingId: string; sendId: string | null; link: string; started: string }[]>(context, 'responses.mailings', {});
    // Shown as the server wrote it; linked by the instant it stands for.
    expect(mailings.find((m) => m.mailingId === c.mailing)).toMatchObject({ started: c.started, link: 'time', sendId: `${c.name}-before` });
  });
});
