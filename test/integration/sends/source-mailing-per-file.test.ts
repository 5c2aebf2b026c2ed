import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceMailingMismatch, type ValidationReport } from '../../../shared/contract/recipients';
import type { Send } from '../../../shared/contract/sends';
import { openAppContext, type AppContext } from '../../../main/app/app-context';
import { startDemoSandbox } from '../../../main/app/demo-sandbox';
import type { SandboxHandle } from '../../../main/services/sandbox';
import { tempDir } from '../../helpers/temp-dir';
import { callService } from '../../helpers/call-service';

/**
 * A mapped broadmail_ID column must not carry another source mailing than the chosen one: that row
 * would be a send on the other mailing past its one-send-at-a-time lock (issue #10, item 5).
 */
let data: ReturnType<typeof tempDir>;
let context: AppContext;
let sandbox: SandboxHandle;
const call = <T>(channel: string, payload: unknown): Promise<T> => callService<T>(context, channel, payload);

beforeAll(async () => {
  data = tempDir();
  context = await openAppContext({ dataDir: data.path, host: 'memory', secrets: null });
  sandbox = await startDemoSandbox(context, { interval: 0, exportInterval: 0 });
});
afterAll(async () => {
  await context?.close();
  data?.cleanup();
});

describe('one source mailing per file', () => {
  it('a send whose broadmail_ID column names another mailing on some lines is refused with those lines; nothing is queued or uploaded', async () => {
    const [chosen, other] = sandbox.clients[0].mailingIds;
    const path = join(data.path, 'two-mailings.csv');
    writeFileSync(
      path,
      ['Email;broadmail_ID;First name', `a@example.com;${chosen};Anna`, `b@example.com;${other};Bernd`, `c@example.com;${chosen};Carla`, `d@example.com;${other};Dora`].join('\n'),
    );
    const inspection = await call<{ mapping: { field: string; source: { kind: string } }[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path });
    expect(inspection.mapping.find((m) => m.field === 'broadmail_ID')?.source.kind).toBe('column');
    const draft = { profile: 'Sandbox', client: 'demo', path, sourceMailingId: chosen, mapping: inspection.mapping };

    // The check step shows the rows and does not fail.
    const report = await call<ValidationReport>('recipients.validate', draft);
    expect(report.sourceMailingMismatch).toEqual({ chosen, count: 2, lines: [{ line: 3, value: other }, { line: 5, value: other }], others: [other] });

    const refused = await context.dispatcher.handle('sends.create', draft, { transport: 'memory' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'SOURCE_MAILING_MISMATCH', details: { chosen, count: 2, lines: [{ line: 3, value: other }, { line: 5, value: other }] } },
    });
    // The details are the contract's typed SourceMailingMismatch, so any client can build its own message.
    expect(SourceMailingMismatch.safeParse((refused as { error: { details: unknown } }).error.details).success).toBe(true);
    expect(await call<Send[]>('sends.list', {})).toEqual([]);
    await context.services.sends.tick();
    expect(readdirSync(join(sandbox.clients[0].localDir, 'upload'))).toEqual([]);

    // The other mailing is not locked by a send that never happened.
    const second = await call<Send>('sends.create', { ...draft, sourceMailingId: other, edits: { excludedLines: [2, 4] } });
    expect(second).toMatchObject({ recipients: 2, sourceMailingId: other });
  });
});
