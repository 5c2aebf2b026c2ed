import { join, posix } from 'node:path';
import type { AbandonedSend, TeamStore } from '../team/team-store';
import { said, type SendJournal, type SendRecord } from './send-journal';
import type { RunnerDeps } from './send-runner';
import { statusFileNames } from './server-status-adapter';

/** What {@link reconcileAbandoned} works with. */
export interface ReconcileDeps {
  readonly team: TeamStore;
  readonly journal: SendJournal;
  readonly runner: RunnerDeps;
  readonly dataDir: string;
}

/**
 * Team mode: sends another workstation left mid-upload (its lease ran out, or it is gone) are
 * settled from the SFTP server's own state before anything is uploaded again. This workstation
 * takes the lease, then removes the send's `.part` files first (so a late rename from the old
 * holder can no longer publish anything), then looks for the recipient file under its final
 * name and for its log or error file:
 * - found: the server has the send. This workstation adopts it and follows it like its own.
 * - not found: nothing can reach the server any more. The products file (useless without the
 *   recipient file) is removed and the send ends in `error`, freeing the source mailing; the
 *   old workstation learns it when it asks for the lease again and never uploads it.
 */
export async function reconcileAbandoned(deps: ReconcileDeps): Promise<string[]> {
  const settled: string[] = [];
  // A claim whose commit reached the database while its answer did not (connection cut): this
  // workstation never recorded the send, so nothing of it can be uploaded; free the mailing.
  for (const id of await deps.team.ownClaims()) {
    if (await deps.journal.find(id)) continue;
    await deps.team.recordState({ sendId: id, state: 'cancelled', ...said('team.event.claimCut') });
    settled.push(id);
  }
  for (const send of await deps.team.abandoned()) {
    if (await deps.journal.find(send.id)) continue; // ours: the runner resumes it with its own files
    if (!(await deps.team.takeOver(send.id))) continue;
    const published = await deps.runner.withSession(send.profile, async (session) => {
      const upload = (name: string) => posix.join(send.uploadDir, name);
      await session.remove(upload(`${send.fileName}.part`)).catch(() => undefined);
      const status = statusFileNames(send.fileName);
      const found =
        Boolean(await session.stat(upload(send.fileName))) ||
        (await session.exists(posix.join(send.logDir, status.log))) ||
        (await session.exists(posix.join(send.logDir, status.error)));
      if (!found && send.productsFileName) {
        await session.remove(upload(`${send.productsFileName}.part`)).catch(() => undefined);
        await session.remove(upload(send.productsFileName)).catch(() => undefined);
      }
      return found;
    });
    if (published) {
      const record = adoptedRecord(send, deps.dataDir);
      const adopted = said('sends.step.adopted', { workstation: send.workstation, file: send.fileName });
      await deps.journal.insert(record, adopted);
      await deps.team.adopt(send.id, record.state, adopted);
      deps.runner.changed(record);
    } else {
      await deps.team.recordState({
        sendId: send.id,
        state: 'error',
        ...said('team.event.abandoned', { workstation: send.workstation, file: send.fileName }),
      });
    }
    await deps.runner.log({
      level: 'warn',
      kind: 'send',
      profile: send.profile,
      messageId: published ? 'sends.activity.adopted' : 'sends.activity.abandonedEnded',
      values: { id: send.id, workstation: send.workstation },
    });
    settled.push(send.id);
  }
  return settled;
}

/** The local journal row of an adopted send: on the server, names final, no local files. */
function adoptedRecord(send: AbandonedSend, dataDir: string): SendRecord {
  const now = new Date();
  return {
    id: send.id,
    profile: send.profile,
    client: send.client,
    sourceMailingId: send.sourceMailingId,
    sourceMailingName: send.sourceMailingName,
    waveId: '',
    test: send.test,
    state: 'on_server',
    scheduledAt: send.createdAt,
    createdAt: send.createdAt,
    updatedAt: now,
    inputFile: '',
    draftJson: '{}',
    recipients: send.recipients,
    excluded: send.excluded ?? 0,
    fileName: send.fileName,
    productsFileName: send.productsFileName,
    workDir: join(dataDir, 'sends', send.id),
    archiveDir: join(dataDir, 'archive', send.id),
    uploadDir: send.uploadDir,
    logDir: send.logDir,
    uploadAttempts: 1,
    namesFinal: true,
    mailingId: null,
    error: null,
    serverHalted: false,
    lastCheckedAt: null,
  };
}
