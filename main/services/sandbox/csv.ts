/**
 * The closed-loop CSV dialect, read strictly and written exactly: `;` separator, every
 * field in `"`, embedded `"` doubled, LF line ends. The reader reports what is wrong
 * instead of guessing, because the sandbox must reject what the real interface rejects.
 *
 * Kept apart from Loopdesk's own writer (main/services/csv-line.ts) on purpose: the sandbox
 * plays the vendor's side, so a bug in our writer must not be mirrored by the server that
 * tests it.
 */

/** A dialect violation inside one record, before field meanings are known. */
export interface RecordIssue {
  readonly code: 'UNQUOTED_FIELD' | 'STRAY_QUOTE' | 'UNTERMINATED_QUOTE' | 'CRLF';
  /** Zero-based field position the issue belongs to. */
  readonly fieldIndex: number;
}

/** One record as parsed with a given separator. */
export interface ParsedRecord {
  readonly fields: readonly string[];
  readonly issues: readonly RecordIssue[];
}

/** The raw text of one record and the physical line it starts on. */
export interface RawRecord {
  /** 1-based line number of the record's first character. */
  readonly line: number;
  /** Record text without its terminating LF (quoted fields may contain LFs). */
  readonly raw: string;
}

/**
 * Splits file text into records at LFs outside quotes.
 *
 * A missing final LF is tolerated (the last record is still read); quote balancing is
 * naive on purpose (`""` toggles twice) so a broken quote only swallows until the next
 * quote, and parseRecord reports it.
 */
export function splitRecords(text: string): RawRecord[] {
  const out: RawRecord[] = [];
  let inQuotes = false;
  let start = 0;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10) {
      if (!inQuotes) {
        out.push({ line: startLine, raw: text.slice(start, i) });
        start = i + 1;
        startLine = line + 1;
      }
      line++;
    }
  }
  if (start < text.length) out.push({ line: startLine, raw: text.slice(start) });
  return out;
}

/** Parses one record strictly with separator `sep`, collecting dialect issues. */
export function parseRecord(raw: string, sep: string): ParsedRecord {
  const fields: string[] = [];
  const issues: RecordIssue[] = [];
  const len = raw.length;
  let i = 0;
  for (;;) {
    const idx = fields.length;
    if (raw[i] === '"') {
      let j = i + 1;
      let buf = '';
      let closed = false;
      while (j < len) {
        const ch = raw[j];
        if (ch === '"') {
          if (raw[j + 1] === '"') {
            buf += '"';
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        buf += ch;
        j++;
      }
      if (!closed) {
        issues.push({ code: 'UNTERMINATED_QUOTE', fieldIndex: idx });
        fields.push(buf);
        return { fields, issues };
      }
      j++;
      if (j === len) {
        fields.push(buf);
        return { fields, issues };
      }
      if (raw[j] === '\r' && j === len - 1) {
        issues.push({ code: 'CRLF', fieldIndex: idx });
        fields.push(buf);
        return { fields, issues };
      }
      if (raw[j] !== sep) {
        issues.push({ code: 'STRAY_QUOTE', fieldIndex: idx });
        const next = raw.indexOf(sep, j);
        buf += raw.slice(j, next === -1 ? len : next);
        fields.push(buf);
        if (next === -1) return { fields, issues };
        i = next + 1;
      } else {
        fields.push(buf);
        i = j + 1;
      }
      if (i === len) {
        issues.push({ code: 'UNQUOTED_FIELD', fieldIndex: fields.length });
        fields.push('');
        return { fields, issues };
      }
    } else {
      const next = raw.indexOf(sep, i);
      let value = raw.slice(i, next === -1 ? len : next);
      if (next === -1 && value.endsWith('\r')) {
        issues.push({ code: 'CRLF', fieldIndex: idx });
        value = value.slice(0, -1);
      }
      issues.push({ code: 'UNQUOTED_FIELD', fieldIndex: idx });
      fields.push(value);
      if (next === -1) return { fields, issues };
      i = next + 1;
      if (i === len) {
        issues.push({ code: 'UNQUOTED_FIELD', fieldIndex: fields.length });
        fields.push('');
        return { fields, issues };
      }
    }
  }
}

/** Quotes one value the closed-loop way. */
export function quoteField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** One data line: every field quoted, `;`-separated, LF-terminated. */
export function csvLine(values: readonly string[]): string {
  return values.map(quoteField).join(';') + '\n';
}

/**
 * A header line. Column names are written bare (they hold no `;` or `"`), so the line
 * reads exactly as documented, e.g. `line;field;code;message`; any CSV reader accepts it.
 */
export function headerLine(names: readonly string[]): string {
  return names.join(';') + '\n';
}

/** A whole file: header plus quoted data lines. */
export function csvFile(header: readonly string[], rows: readonly (readonly string[])[]): string {
  let out = headerLine(header);
  for (const r of rows) out += csvLine(r);
  return out;
}
