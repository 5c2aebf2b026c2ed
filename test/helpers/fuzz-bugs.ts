/** A bug the fuzzer found: the inputs that show it, and the fix. */
export interface FuzzBug {
  readonly title: string;
  /** Case ids (heavy, structural or regression) whose outcome shows whether it is fixed. */
  readonly witnesses: readonly string[];
  readonly symptom: string;
  readonly fix: string;
}

/**
 * Every bug found by the hostile-input fuzzer. fuzz.json reports each as fixed or open from this
 * run's outcomes of its witnesses, so the list cannot claim a fix the code does not have.
 */
export const FUZZ_BUGS: readonly FuzzBug[] = [
  {
    title: 'xlsx zip bomb exhausts the heap',
    witnesses: ['xlsx-bomb-whitespace-1g', 'xlsx-bomb-text-1g', 'xlsx-bomb-lying-size', 'xlsx-bomb-rows-1g', 'xlsx-bomb-shared-strings-1g'],
    symptom: 'A 1.4 MB .xlsx whose sheet inflates to 1 GB (whitespace or one text run) killed the process (V8 heap out of memory, 256 MB); row and shared-string bombs read for minutes.',
    fix: 'main/services/recipients/xlsx-reader.ts textStream(): counts inflated characters per part and destroys the stream with AppError(UNSUPPORTED_FILE) past 16 MB when the running ratio (inflater.bytesWritten) or the whole part exceeds 100:1 (Apache POI\'s limit), or when a text run between tags exceeds 4 MB.',
  },
  {
    title: 'response file value echoed unbounded into the error message',
    witnesses: ['regression/ingest.mailings--long-bad-id.csv', 'regression/ingest.clicks--duplicate-long-header.csv', 'resp-huge-cell-20mb'],
    symptom: 'A bad ID of 190 KB produced a 190,000-character VALIDATION_FAILED message (shown to the operator and stored in the ledger); a 20 MB cell put 10 KB of "Original Line" in it.',
    fix: 'main/services/responses/ingest.ts asValidationError()/columnLayout(): clip() the DuckDB reason to 300 characters, details.originalLine to 1,000 and a duplicated header name to 100.',
  },
  {
    title: 'millions of columns make mapping run for minutes',
    witnesses: ['csv-2m-separators-prepare'],
    symptom: 'prepare() on a header with 2,000,001 columns did not finish within 10 s (suggestMapping scores every header against every field).',
    fix: 'main/services/recipients/spreadsheet.ts openSpreadsheet(): a header row wider than MAX_COLUMNS = 16,384 (Excel\'s limit) is refused with AppError(UNSUPPORTED_FILE) advising to check the separator.',
  },
  {
    title: 'a megabyte-long header makes fuzzy matching quadratic',
    witnesses: ['csv-header-1mb-unclosed-quote'],
    symptom: 'A CSV starting with an unclosed quote has one 1 MB header; matchScore() ran editDistance() (a full matrix) against every synonym: over 10 s, 350 MB.',
    fix: 'main/services/recipients/mapping.ts matchScore(): skip editDistance() when the length difference alone exceeds 25 % of the longer string (the similarity cannot reach 0.75 then; exact, no behaviour change).',
  },
  {
    title: 'a huge CSV record makes the CSV reader quadratic',
    witnesses: ['csv-huge-cell-50mb', 'csv-huge-quoted-cell-50mb', 'csv-unterminated-quote-20mb'],
    symptom: 'A 50 MB cell (quoted or not) or a quote never closed in a 20 MB file: no answer after 60 s. The unfinished record is concatenated and re-scanned on every 64 KB chunk.',
    fix: 'main/services/recipients/csv-splitter.ts CsvSplitter.push() (file under active change, not edited here): after `this.rest = …`, throw AppError(UNSUPPORTED_FILE) when this.rest.length > MAX_RECORD_CHARS (4 MiB; Excel cells hold 32,767 characters), message naming the record ("a quote is probably never closed"); csv-reader.ts passes path and record number.',
  },
  {
    title: 'lone UTF-16 surrogate in an e-mail address throws URIError out of prepare()',
    witnesses: ['regression/prepare--lone-surrogate-email.csv'],
    symptom: 'A UTF-16 CSV whose e-mail cell holds an unpaired surrogate (x\\uD800y@example.de) made prepare() reject with a bare URIError ("URI malformed", from validator.isEmail → isByteLength → encodeURI) instead of excluding the row as INVALID_EMAIL. Found with LOOPDESK_FUZZ_SEED=long-1, input csv-49.',
    fix: 'main/services/recipients/validate.ts isEmailAddress() (file under active change, not edited here): `try { return validator.isEmail(v); } catch { return false; }` (or return false when v has a lone surrogate), so the row is excluded with INVALID_EMAIL next to its UNENCODABLE problem.',
  },
];
