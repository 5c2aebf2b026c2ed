import { rename } from 'node:fs/promises';
import type { ClientConfig } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { writeClosedLoopFile } from '../recipients';
import { readFirstRows } from '../recipients/closed-loop-reader';
import { isEmailField } from '../recipients/mapping';

/**
 * Rewrites a prepared recipient file for a test send: one row per test recipient, each
 * carrying the values of a real row (so the test mail looks like the real one) with the
 * test recipient's address in the e-mail field.
 */
export async function personaliseForTest(path: string, client: ClientConfig, sampleRows: number): Promise<number> {
  if (client.testRecipients.length === 0) {
    throw new AppError('VALIDATION_FAILED', `Client "${client.name}" has no test recipients. Add them on the Connections screen (client settings) or with \`loopdesk client set --profile P --client ${client.name} --test-recipient EMAIL\` first.`);
  }
  const emailIndex = client.fields.findIndex((f) => isEmailField(f.name));
  if (emailIndex < 0) throw new AppError('VALIDATION_FAILED', `Client "${client.name}" has no e-mail field in its master list.`);
  const real = await readFirstRows(path, Math.max(1, sampleRows), client.encoding);
  if (real.length === 0) throw new AppError('VALIDATION_FAILED', 'The file has no valid row to personalise the test mails with.');
  const rows = client.testRecipients.map((r, i) => {
    const row = [...real[i % real.length]];
    row[emailIndex] = r.email;
    return row;
  });
  const tmp = `${path}.test`;
  await writeClosedLoopFile(rows, tmp, { encoding: client.encoding, fieldCount: client.fields.length });
  await rename(tmp, path);
  return rows.length;
}
