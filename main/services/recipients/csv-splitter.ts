import Papa from 'papaparse';
import { AppError } from '../../../shared/contract/result';

/**
 * Called once per record, in file order. A record split on the fast path (no quote in its line) also
 * gets its range in all the text pushed so far (character offsets, line break excluded): cutting
 * that range and splitting it at the delimiter gives the same values. Records papaparse parsed get
 * no range.
 */
export type RecordCallback = (values: string[], start?: number, end?: number) => void;

/** The part of papaparse's internal Parser we use: parse a string, report where parsing stopped. */
interface PapaParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): { data: string[][]; meta: { cursor: number } };
}

const QUOTE = '"';

/**
 * Longest record accepted, in characters. Excel cells hold 32,767 characters, so a longer record is
 * an unclosed quote or not a spreadsheet export; without a bound the unfinished record would be
 * re-scanned on every chunk (quadratic: a 50 MB cell took minutes, found by test/fuzz).
 */
export const MAX_RECORD_CHARS = 4 * 1024 * 1024;

/** Options of {@link CsvSplitter}. */
export interface CsvSplitterOptions {
  /** File name for the error message. */
  readonly source?: string;
  /** Overrides {@link MAX_RECORD_CHARS} (tests). */
  readonly maxRecordChars?: number;
}

/**
 * papaparse's own line-ending guess (`\n`, `\r\n` or `\r`) for the first chunk of a stream,
 * so the fast path splits lines exactly where papaparse would.
 */
export function guessNewline(firstChunk: string, delimiter: string): '\n' | '\r\n' | '\r' {
  const meta = Papa.parse<string[]>(firstChunk.slice(0, 1024 * 1024), { delimiter, quoteChar: QUOTE, escapeChar: QUOTE, preview: 1 }).meta;
  return meta.linebreak === '\r\n' || meta.linebreak === '\r' ? meta.linebreak : '\n';
}

/**
 * A streaming CSV record splitter that gives the same records as papaparse fed the same text through
 * `NODE_STREAM_INPUT` (quote `"`, escape `"`, no header, empty lines kept), but cheaper: a line with
 * no quote character is split with String#split; a record with a quote anywhere is handed to
 * papaparse's own Parser (one record at a time), so quoted separators and line breaks, doubled
 * quotes and malformed quoting behave exactly as papaparse decides. Recipient exports quote few
 * lines, so almost every record takes the fast path.
 */
export class CsvSplitter {
  private rest = '';
  /** Offset of `rest` in all the text pushed so far. */
  private restAt = 0;
  private newline: string | undefined;
  private one: PapaParser | undefined;
  private records = 0;
  private readonly maxRecordChars: number;

  constructor(
    private readonly delimiter: string,
    private readonly opts: CsvSplitterOptions = {},
  ) {
    this.maxRecordChars = opts.maxRecordChars ?? MAX_RECORD_CHARS;
  }

  private tooLong(): AppError {
    const values = { record: this.records + 1, mb: Math.round(this.maxRecordChars / 1024 / 1024) };
    const details = { path: this.opts.source, record: this.records + 1 };
    return this.opts.source
      ? new AppError('UNSUPPORTED_FILE', 'error.recipients.csv.recordTooLong', { ...values, path: this.opts.source }, details)
      : new AppError('UNSUPPORTED_FILE', 'error.recipients.csv.recordTooLongNoPath', values, details);
  }

  private parser(preview: number): PapaParser {
    const ParserClass = (Papa as unknown as { Parser: new (config: object) => PapaParser }).Parser;
    return new ParserClass({ delimiter: this.delimiter, newline: this.newline, quoteChar: QUOTE, escapeChar: QUOTE, preview });
  }

  /** Feeds decoded text; calls `onRecord` for every record that is complete so far. */
  push(text: string, onRecord: RecordCallback): void {
    if (text === '') return;
    if (this.newline === undefined) {
      // papaparse guesses from the first chunk it is given; so do we.
      this.newline = guessNewline(text, this.delimiter);
      this.one = this.parser(1);
    }
    const rest = this.rest;
    const head = rest === '' ? 0 : this.firstLineEnd(rest, text);
    if (head === 0) {
      this.scan(rest === '' ? text : rest + text, 0, onRecord);
      return;
    }
    // The record cut at the end of the last piece ends early in this one: only that line is
    // joined, not the whole piece (joining copied every 64 KB piece once more, and made garbage).
    this.scan(rest + text.slice(0, head), 0, onRecord);
    // `text` from `head` on; scan() wants the offset of its first character.
    this.restAt -= head;
    this.scan(text, head, onRecord);
  }

  /**
   * Where the first line of `text` ends (after its line break), when `rest` + that line is one
   * whole record of the fast path: neither holds a quote, and the line ends in `text`; else 0.
   */
  private firstLineEnd(rest: string, text: string): number {
    const nl = this.newline!;
    // A CR LF split between the two pieces.
    if (nl === '\r\n' && rest.charCodeAt(rest.length - 1) === 13 && text.charCodeAt(0) === 10) return rest.indexOf(QUOTE) === -1 ? 1 : 0;
    const end = text.indexOf(nl);
    if (end === -1) return 0;
    // Searched backwards from the line's end, so only that line is looked at.
    if (text.lastIndexOf(QUOTE, end) !== -1 || rest.indexOf(QUOTE) !== -1) return 0;
    return end + nl.length;
  }

  /**
   * Splits the records of `buf` from `pos` on (`buf` begins at offset `restAt` of all the text);
   * the unfinished end waits in `rest`.
   */
  private scan(buf: string, pos: number, onRecord: RecordCallback): void {
    const nl = this.newline!;
    const nlLen = nl.length;
    const d = this.delimiter;
    const dLen = d.length;
    let n = 0;
    let quote = buf.indexOf(QUOTE, pos);
    for (;;) {
      const end = buf.indexOf(nl, pos);
      if (end === -1) break;
      if (quote === -1 || quote > end) {
        // What buf.slice(pos, end).split(d) gives, without the line string in between (20 % less).
        const values: string[] = [];
        let start = pos;
        for (;;) {
          const at = buf.indexOf(d, start);
          if (at === -1 || at > end) {
            values.push(buf.slice(start, end));
            break;
          }
          values.push(buf.slice(start, at));
          start = at + dLen;
        }
        onRecord(values, this.restAt + pos, this.restAt + end);
        n++;
        pos = end + nlLen;
        continue;
      }
      // A quote in this line: the record may span lines. papaparse parses exactly one record, from
      // a window of the text that grows until the record ends inside it (papaparse's work grows
      // with the text it is given, not with the record); a record that runs to the end of the
      // text may continue in the next chunk, so it waits.
      let record: string[] | undefined;
      let next: number;
      for (let win = 4096; ; win *= 4) {
        const stop = Math.min(buf.length, pos + win);
        const r = this.one!.parse(buf.slice(pos, stop), 0, false);
        next = pos + r.meta.cursor;
        if (next < stop && next > pos && r.data.length > 0) {
          record = r.data[0];
          break;
        }
        if (stop === buf.length) break;
      }
      if (!record) break;
      onRecord(record);
      n++;
      pos = next;
      quote = buf.indexOf(QUOTE, pos);
    }
    this.records += n;
    this.rest = pos === 0 ? buf : buf.slice(pos);
    this.restAt += pos;
    if (this.rest.length > this.maxRecordChars) {
      this.rest = '';
      throw this.tooLong();
    }
  }

  /** Flushes the last record(s) at the end of the text. */
  end(onRecord: RecordCallback): void {
    const rest = this.rest;
    this.rest = '';
    if (rest === '' || this.newline === undefined) return;
    // As papaparse's stream does: the text as a chunk without its last (partial) row, then that row.
    const all = this.parser(0);
    const r = all.parse(rest, 0, true);
    for (const row of r.data) onRecord(row);
    const tail = rest.slice(r.meta.cursor);
    if (tail !== '') for (const row of all.parse(tail, 0, false).data) onRecord(row);
  }
}
