/**
 * Thrown by the workbook part parsers for content no Excel file holds (a row number outside
 * 1..1,048,576, a shared string that does not exist, two parts of one name). Excel refuses to open
 * such a file without repairing it; Loopdesk refuses it too rather than guess and lose a value.
 * `reason` is a stable key (it lands in the AppError's details), `message` says what was found.
 */
export class DamagedPart extends Error {
  constructor(
    readonly reason: 'cell-reference' | 'row-number' | 'shared-string' | 'duplicate-part' | 'malformed-xml',
    message: string,
    /** What was found, as placeholders of the reason's catalog message (`error.recipients.damaged.*`). */
    readonly values: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}
