import type { SourceMailingMismatch } from '../../../shared/contract/recipients';
import { AppError } from '../../../shared/contract/result';

const DIGITS = /^\d+$/;
const MAX_LINES = 1000;
const MAX_OTHERS = 20;

/**
 * Watches the `broadmail_ID` of every row when it comes from the file (a mapped column or a typed
 * constant) rather than from the chosen source mailing. A row naming another mailing would be a
 * send on that mailing that bypasses its one-send-at-a-time lock, and a file with two source
 * mailings is not what the vendor's importer expects (interpretation.md, "One source mailing per
 * file"). Empty and non-numeric values are row problems already (REQUIRED, NOT_A_NUMBER).
 */
export class SourceMailingCheck {
  private count = 0;
  private readonly lines: { line: number; value: string }[] = [];
  private readonly others = new Set<string>();
  private readonly chosenNumber: bigint;

  /** `field`: index of the broadmail_ID field in the mapped values. */
  constructor(
    private readonly chosen: string,
    private readonly field: number,
  ) {
    this.chosenNumber = BigInt(chosen);
  }

  /** Looks at one row's values as they would be written (after trimming). */
  add(line: number, values: readonly string[]): void {
    const v = values[this.field] ?? '';
    if (v === this.chosen || v === '' || !DIGITS.test(v)) return;
    // 044018617811 is the same mailing as 44018617811.
    if (v.length <= 19 && BigInt(v) === this.chosenNumber) return;
    this.count++;
    // A 64-bit ID has at most 19 digits; a longer run of digits is shown shortened.
    const shown = v.length > 24 ? `${v.slice(0, 24)}…` : v;
    if (this.lines.length < MAX_LINES) this.lines.push({ line, value: shown });
    if (this.others.size < MAX_OTHERS) this.others.add(shown);
  }

  /** The rows that differ, or null when every row names the chosen mailing. */
  result(): SourceMailingMismatch | null {
    if (this.count === 0) return null;
    return { chosen: this.chosen, count: this.count, lines: [...this.lines], others: [...this.others] };
  }
}

/** The refusal of a file whose rows name another source mailing (code SOURCE_MAILING_MISMATCH). */
export function sourceMailingMismatchError(m: SourceMailingMismatch): AppError {
  // Line numbers and IDs as data (`3: 4711`): the message says what they are.
  const shown = m.lines.slice(0, 10).map((l) => `${l.line}: ${l.value}`).join(', ') + (m.count > 10 ? ', …' : '');
  return new AppError('SOURCE_MAILING_MISMATCH', 'error.recipients.sourceMailingMismatch', { count: m.count, chosen: m.chosen, lines: shown }, m);
}
