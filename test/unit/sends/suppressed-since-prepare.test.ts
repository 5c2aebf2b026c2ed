import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeClosedLoopFile } from '../../../main/services/recipients/closed-loop-writer';
import { appendRejectedRows, findSuppressed, writeWithout } from '../../../main/services/sends/suppressed-since-prepare';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.cleanup());

/** A lookup over lower-cased addresses, as SuppressionList#lookup answers. */
const listOf = (entries: Record<string, string>) => (email: string) => entries[email.trim().toLowerCase()];

describe('finding rows suppressed since a file was prepared', () => {
  it('reads our own dialect exactly: kept line breaks, doubled quotes, separators in values, records across 1 MB pieces', async () => {
    const rows: string[][] = [];
    for (let i = 0; i < 8000; i++) {
      rows.push([
        `user${i}@example.com`,
        '123',
        i % 7 === 0 ? `line one\nline two "quoted"; and more` : `plain ${i}`,
        // Long values push records across the reader's 1 MB pieces at many offsets.
        'x'.repeat(300 + (i % 97)),
      ]);
    }
    const file = join(dir.path, 'mixed_subscribers.csv');
    await writeClosedLoopFile(rows, file, { fieldCount: 4 });
    const suppressed = new Set([0, 7, 1234, 7999]);
    const check = await findSuppressed(file, 'utf-8', listOf(Object.fromEntries([...suppressed].map((i) => [`user${i}@example.com`, `reason ${i}`]))), { emailIndex: 0, fieldCount: 4 });
    expect(check.rows).toBe(8000);
    expect(check.suppressed.map((r) => r.index)).toEqual([0, 7, 1234, 7999]);
    expect(check.suppressed[1]).toMatchObject({ email: 'user7@example.com', reason: 'reason 7', values: rows[7] });

    const kept = join(dir.path, 'kept.tmp');
    expect(await writeWithout(file, new Set(check.suppressed.map((r) => r.index)), kept)).toBe(7996);
    const expected = join(dir.path, 'expected_subscribers.csv');
    await writeClosedLoopFile(
      rows.filter((_, i) => !suppressed.has(i)),
      expected,
      { fieldCount: 4 },
    );
    expect(readFileSync(kept).equals(readFileSync(expected))).toBe(true);
  });

  it('looks addresses up in the encoding the file was written in, and writes kept rows back byte for byte', async () => {
    const rows = [
      ['zoë@example.com', 'Zoë', 'Preis 5 €'],
      ['anna@example.com', 'Änne', '„Zitat“'],
      ['Bernd@Example.com', 'Bernd', '–'],
    ];
    const file = join(dir.path, '1252_subscribers.csv');
    await writeClosedLoopFile(rows, file, { fieldCount: 3, encoding: 'windows-1252' });
    const check = await findSuppressed(file, 'windows-1252', listOf({ 'zoë@example.com': 'bounced', 'bernd@example.com': 'unsubscribed' }), { emailIndex: 0, fieldCount: 3 });
    expect(check.suppressed.map((r) => [r.email, r.reason])).toEqual([
      ['zoë@example.com', 'bounced'],
      ['Bernd@Example.com', 'unsubscribed'],
    ]);
    expect(check.suppressed[0].values).toEqual(rows[0]);
    const kept = join(dir.path, 'kept-1252.tmp');
    await writeWithout(file, new Set(check.suppressed.map((r) => r.index)), kept);
    const expected = join(dir.path, 'expected-1252.csv');
    await writeClosedLoopFile([rows[1]], expected, { fieldCount: 3, encoding: 'windows-1252' });
    expect(readFileSync(kept).equals(readFileSync(expected))).toBe(true);
  });

  it("looks up the client's e-mail field by position, not another field holding a suppressed address; any address when the fields changed", async () => {
    // The recipient is b@; a@ (suppressed) is only named in another field, e.g. who referred them.
    const rows = [
      ['Herr', 'b@example.com', 'a@example.com'],
      ['Frau', 'a@example.com', 'b@example.com'],
    ];
    const file = join(dir.path, 'position_subscribers.csv');
    await writeClosedLoopFile(rows, file, { fieldCount: 3 });
    const list = listOf({ 'a@example.com': 'unsubscribed' });
    const byPosition = await findSuppressed(file, 'utf-8', list, { emailIndex: 1, fieldCount: 3 });
    expect(byPosition.suppressed.map((r) => r.index)).toEqual([1]);
    // Prepared with another field list than the client's now: every address counts (never mail a suppressed one).
    const changed = await findSuppressed(file, 'utf-8', list, { emailIndex: 1, fieldCount: 4 });
    expect(changed.suppressed.map((r) => r.index)).toEqual([0, 1]);
    const noEmailField = await findSuppressed(file, 'utf-8', list, { emailIndex: -1, fieldCount: 3 });
    expect(noEmailField.suppressed.map((r) => r.index)).toEqual([0, 1]);
  });

  it('finds nothing when nobody is suppressed, and refuses a file that is not in our dialect', async () => {
    const file = join(dir.path, 'clean_subscribers.csv');
    await writeClosedLoopFile([['a@example.com', '1']], file, { fieldCount: 2 });
    expect(await findSuppressed(file, 'utf-8', () => undefined, { emailIndex: 0, fieldCount: 2 })).toEqual({ rows: 1, suppressed: [] });
    const broken = join(dir.path, 'broken_subscribers.csv');
    writeFileSync(broken, 'a@example.com;1\n');
    await expect(findSuppressed(broken, 'utf-8', () => undefined, { emailIndex: 0, fieldCount: 2 })).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE', messageId: 'error.sends.preparedFileUnreadable' });
    const cut = join(dir.path, 'cut_subscribers.csv');
    writeFileSync(cut, '"a@example.com";"1"\n"b@example.com";"2');
    await expect(findSuppressed(cut, 'utf-8', () => undefined, { emailIndex: 0, fieldCount: 2 })).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE' });
  });

  it('creates the rejected-rows file with a header once, then appends', async () => {
    const file = join(dir.path, 'rejected', 'send-x-rejected.csv');
    const row = (index: number, email: string) => ({ index, email, reason: 'unsubscribed', values: [email, '1'] });
    await appendRejectedRows(file, ['Email', 'broadmail_ID'], [row(0, 'a@example.com')], (r) => `${r.email}: ${r.reason}`);
    await appendRejectedRows(file, ['Email', 'broadmail_ID'], [row(3, 'b@example.com')], (r) => `${r.email}: ${r.reason}`);
    expect(readFileSync(file, 'utf8')).toBe(
      '\uFEFF"reasons";"Email";"broadmail_ID"\n"a@example.com: unsubscribed";"a@example.com";"1"\n"b@example.com: unsubscribed";"b@example.com";"1"\n',
    );
  });
});
