import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceMailingMismatch, type ValidationReport } from '../../../shared/contract/recipients';
import type { Send } from '../../../shared/contract/sends';
import { useSandboxApp } from '../../helpers/sandbox-app';

/**
 * A mapped broadmail_ID column must not carry another source mailing than the chosen one: that row
 * would be a send on the other mailing past its one-send-at-a-time lock (issue #10, item 5).
 */
const app = useSandboxApp();

describe('one source mailing per file', () => {
  it('a send whose broadmail_ID column names another mailing on some lines is refused with those lines; nothing is queued or uploaded', async () => {
    const [chosen, other] = app.sandbox.clients[0].mailingIds;
    const path = join(app.dataDir, 'two-mailings.csv');
    writeFileSync(
      path,
      ['Email;broadmail_ID;First name', `a@example.com;${chosen};Anna`, `b@example.com;${other};Bernd`, `c@example.com;${chosen};Carla`, `d@example.com;${other};Dora`].join('\n'),
    );
    const inspection = await app.call<{ mapping: { field: string; source: { kind: string } }[] }>('recipients.inspect', { profile: 'Sandbox', client: 'demo', path });
    expect(inspection.mapping.find((m) => m.field === 'broadmail_ID')?.source.kind).toBe('column');
    const draft = { profile: 'Sandbox', client: 'demo', path, sourceMailingId: chosen, mapping: inspection.mapping };

    // The check step shows the rows and does not fail.
    const report = await app.call<ValidationReport>('recipients.validate', draft);
    expect(report.sourceMailingMismatch).toEqual({ chosen, count: 2, lines: [{ line: 3, value: other }, { line: 5, value: other }], others: [other] });

    const refused = await app.context.dispatcher.handle('sends.create', draft, { transport: 'memory' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'SOURCE_MAILING_MISMATCH', details: { chosen, count: 2, lines: [{ line: 3, value: other }, { line: 5, value: other }] } },
    });
    // The details are the contract's typed SourceMailingMismatch, so any client can build its own message.
    expect(SourceMailingMismatch.safeParse((refused as { error: { details: unknown } }).error.details).success).toBe(true);
    expect(await app.call<Send[]>('sends.list', {})).toEqual([]);
    await app.context.services.sends.tick();
    expect(readdirSync(join(app.sandbox.clients[0].localDir, 'upload'))).toEqual([]);

    // The other mailing is not locked by a send that never happened.
    const second = await app.call<Send>('sends.create', { ...draft, sourceMailingId: other, edits: { excludedLines: [2, 4] } });
    expect(second).toMatchObject({ recipients: 2, sourceMailingId: other });
  });
});
