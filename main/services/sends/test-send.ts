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
    throw new AppError('VALIDATION_FAILED', 'error.sends.noTestRecipients', { client: client.name });
  }
  const emailIndex = client.fields.findIndex((f) => isEmailField(f.name));
  if (emailIndex < 0) throw new AppError('VALIDATION_FAILED', 'error.sends.noEmailField', { client: client.name });
  const real = await readFirstRows(path, Math.max(1, sampleRows), client.encoding);
  if (real.length === 0) throw new AppError('VALIDATION_FAILED', 'error.sends.noRowForTest');
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
