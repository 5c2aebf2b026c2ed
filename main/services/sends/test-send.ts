import { createReadStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import Papa from 'papaparse';
import type { ClientConfig } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { writeClosedLoopFile } from '../recipients';
import { closedLoopTextStream, type ClosedLoopEncoding } from '../recipients/closed-loop-encoding';
import { isEmailField } from '../recipients/mapping';

/**
 * Reads the first `n` rows of a closed-loop file (our own dialect, no header), decoded in the
 * encoding it was written in (the client's), through the writer's own codec.
 */
export async function readFirstRows(path: string, n: number, encoding: ClosedLoopEncoding): Promise<string[][]> {
  const rows: string[][] = [];
  const stream = closedLoopTextStream(createReadStream(path), encoding);
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(stream as never, {
      delimiter: ';',
      quoteChar: '"',
      step: (result, parser) => {
        rows.push(result.data);
        if (rows.length >= n) {
          parser.abort();
        }
      },
      complete: () => resolve(),
      error: (e: Error) => reject(e),
    });
  });
  stream.destroy();
  return rows;
}

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
