/**
 * One team workstation as its own process (run with `node --import tsx`): opens its data dir,
 * runs the send scheduler, and tries to send one source mailing again and again, printing one
 * JSON line per attempt and per finished send on stdout. Arguments: dataDir attempts mailingId
 * recipientsFile profile client.
 */
import { openAppContext } from '../../main/app/app-context';
import type { Send } from '../../shared/contract/sends';

const [dataDir, attemptsArg, mailingId, recipientsFile, profile, client] = process.argv.slice(2);
const FINAL = new Set(['sent', 'error', 'cancelled']);
const print = (doc: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ ...doc, at: Date.now() })}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const context = await openAppContext({ dataDir, host: 'cli', secrets: null });
const call = async <T>(channel: string, payload: unknown): Promise<T> => {
  const r = await context.dispatcher.handle(channel, payload, { transport: 'cli' });
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
};
context.services.sends.startScheduler({ tickMs: 200, pollMs: 300, fastPollMs: 300 });
const inspection = await call<{ mapping: unknown[] }>('recipients.inspect', { profile, client, path: recipientsFile });
for (let i = 0; i < Number(attemptsArg); i++) {
  try {
    const send = await call<Send>('sends.create', { profile, client, path: recipientsFile, sourceMailingId: mailingId, mapping: inspection.mapping });
    print({ t: 'accepted', id: send.id, fileName: send.fileName });
    const deadline = Date.now() + 60_000;
    let now = send;
    while (!FINAL.has(now.state) && Date.now() < deadline) {
      await sleep(150);
      now = await call<Send>('sends.get', { id: send.id });
    }
    print({ t: 'ended', id: send.id, state: now.state, fileName: now.fileName, uploads: now.timeline.filter((e) => e.state === 'uploading').length });
  } catch (e) {
    print({ t: 'refused', code: (e as { code?: string }).code ?? 'EXCEPTION', message: (e as Error).message });
    await sleep(400 + Math.floor(Math.random() * 600));
  }
}
await context.close();
print({ t: 'exit' });
