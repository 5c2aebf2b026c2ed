import { join } from 'node:path';
import { AppError } from '../../../shared/contract/result';
import { appIntl } from '../../../shared/i18n/intl';
import type { MessageId } from '../../../shared/i18n/messages';
import type { EventBus } from '../../core/event-bus';
import type { LogActivity } from '../activity/activity-service';
import type { ProfilesService } from '../profiles/profiles-service';
import type { Database } from '../store/database';
import { SuppressionList } from '../suppression/suppression-list';
import { listResponseFiles } from './ingest';
import { deleteOlderThan } from './response-retention';
import { pullClient, type PulledFile } from './response-pull';
import type { ResponsesPart } from './responses-service';
import { suppressionCandidates } from './suppression';

/** What pulling response files needs. */
export interface ResponsePullDeps {
  readonly db: Database;
  readonly bus: EventBus;
  readonly dataDir: string;
  readonly profiles: ProfilesService;
  readonly log: LogActivity;
  /** Runs after every pull (retention). */
  readonly afterPull?: () => Promise<void>;
}

/**
 * Response data in the data file: pulls a profile's daily files into DuckDB (and feeds the
 * suppression list from them), lists the pulled files, deletes data by age.
 */
export function createResponsePullService(deps: ResponsePullDeps): ResponsesPart<'pull' | 'files' | 'deleteOlderThan'> {
  const { db } = deps;
  const suppression = new SuppressionList(db);
  /**
   * The pull of each profile that runs or waits last. Pulls of one profile take turns: two at once
   * (the start-up or daily pull and "Pull now") downloaded the same files into the same place, and
   * one's rename took the other's file away. A pull asked while one runs waits for it, then finds
   * what that one read in unchanged.
   */
  const lastPull = new Map<string, Promise<unknown>>();
  const pullInTurn: typeof pullOnce = (args) => {
    const mine = (lastPull.get(args.profile) ?? Promise.resolve()).catch(() => undefined).then(() => pullOnce(args));
    lastPull.set(args.profile, mine);
    const forget = () => {
      if (lastPull.get(args.profile) === mine) lastPull.delete(args.profile);
    };
    mine.then(forget, forget);
    return mine;
  };
  const pullOnce = async ({ profile, client }: { profile: string; client?: string }): Promise<{ files: PulledFile[] }> => {
    const stored = deps.profiles.stored(profile);
    const clients = stored.clients.filter((c) => !client || c.name === client);
    if (clients.length === 0) throw client ? new AppError('NOT_FOUND', 'error.responses.noSuchClient', { profile, client }) : new AppError('NOT_FOUND', 'error.responses.noClients', { profile });
    const files: PulledFile[] = [];
    await deps.profiles.withSession(profile, async (session) => {
      for (const c of clients) {
        files.push(
          ...(await pullClient({
            db,
            session,
            profile,
            client: c,
            downloadDir: join(deps.dataDir, 'responses'),
            onFile: (f, i, total) => {
              const values = { client: c.name, file: f.name, outcome: f.outcome };
              deps.bus.emit('responses.onProgress', { task: 'pull', done: i + 1, total, message: appIntl('en').formatMessage({ id: 'responses.progress.pull' }, values), text: { id: 'responses.progress.pull', values } });
            },
          })),
        );
      }
    });
    const added = await suppression.add(
      (await suppressionCandidates(db)).map((s) => ({ email: s.userId, reason: s.reason === 'unsubscribe' ? 'Unsubscribed' : 'Hard bounce', source: `mailing ${s.mailingId ?? '?'}`, at: s.lastAt ?? undefined, atIsLocal: s.lastAtIsPull })),
    );
    await deps.afterPull?.();
    const counts = (o: string) => files.filter((f) => f.outcome === o).length;
    await deps.log({
      level: counts('rejected') > 0 ? 'warn' : 'info',
      kind: 'pull',
      profile,
      messageId: 'responses.activity.pulled',
      values: { ingested: counts('ingested'), replaced: counts('replaced'), skipped: counts('skipped'), rejected: counts('rejected'), added },
      details: null,
    });
    // Each rejected file gets an entry of its own, its reason in the reader's language (reason.ts's form).
    for (const f of files) if (f.outcome === 'rejected') await deps.log({ level: 'warn', kind: 'pull', profile, messageId: 'responses.activity.fileRejected', values: { file: f.name, client: f.client, ...rejectionReason(f) } });
    return { files };
  };
  return {
    pull: (args) => pullInTurn(args),

    async files({ profile }) {
      return (await listResponseFiles(db, { profile })).map((f) => ({
        id: f.id,
        profile: f.profile,
        client: f.client,
        name: f.name,
        kind: f.kind,
        size: f.size,
        sha256: f.sha256,
        rows: f.rows,
        ingestedAt: f.ingestedAt.toISOString(),
        status: f.status,
        error: f.error,
        errorText: f.errorText,
      }));
    },

    async deleteOlderThan({ before }) {
      const result = await deleteOlderThan(db, new Date(before));
      await deps.log({ level: 'warn', kind: 'retention', profile: null, messageId: 'responses.activity.deletedOlder', values: { before }, details: JSON.stringify(result) });
      return { ...result };
    },
  };
}

/**
 * Why a pulled file was rejected, as the values of a wrapping message: the error's own English
 * sentence (`reason`), and where it has a catalog key, that key and its values beside it.
 */
function rejectionReason(f: PulledFile): { reason: string; reasonId?: string; reasonValues?: string } {
  if (f.text) return { reason: appIntl('en').formatMessage({ id: f.text.id as MessageId }, f.text.values), reasonId: f.text.id, reasonValues: JSON.stringify(f.text.values) };
  const retry = ` ${appIntl('en').formatMessage({ id: 'responses.pulled.retry' })}`;
  return { reason: f.message.endsWith(retry) ? f.message.slice(0, -retry.length) : f.message };
}
