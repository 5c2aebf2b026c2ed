/**
 * The timestamp layout of a client's response files (`ResponseDialect.timestampFormat`). The
 * spec writes `2021-01-01 12:07:55`, i.e. `YYYY-MM-DD HH:mm:ss`; other installations write e.g.
 * `DD.MM.YYYY HH:mm` or `YYYY-MM-DD[T]HH:mm:ss.SSS`. Written with the tokens operators know from
 * spreadsheets and moment/dayjs; main turns them into DuckDB's strptime codes, the Connections
 * screen shows the same problem text as the contract check.
 */

import { englishText, type CatalogMessage } from '../i18n/catalog-message';

/** The spec's layout. */
export const DEFAULT_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH:mm:ss';

/** Each known token with what it means and its DuckDB strptime code; longest first within a letter. */
export const TIMESTAMP_TOKENS = [
  { token: 'YYYY', meaning: 'year', code: '%Y' },
  { token: 'YY', meaning: 'two-digit year', code: '%y' },
  { token: 'MM', meaning: 'month', code: '%m' },
  { token: 'M', meaning: 'month without leading zero', code: '%-m' },
  { token: 'DD', meaning: 'day', code: '%d' },
  { token: 'D', meaning: 'day without leading zero', code: '%-d' },
  { token: 'HH', meaning: 'hour 00–23', code: '%H' },
  { token: 'H', meaning: 'hour 0–23', code: '%-H' },
  { token: 'hh', meaning: 'hour 01–12', code: '%I' },
  { token: 'mm', meaning: 'minute', code: '%M' },
  { token: 'ss', meaning: 'second', code: '%S' },
  { token: 'SSS', meaning: 'milliseconds', code: '%g' },
  { token: 'A', meaning: 'AM/PM', code: '%p' },
] as const;

/** One piece of a parsed layout: a token, or literal text. */
export type TimestampPart = { readonly token: (typeof TIMESTAMP_TOKENS)[number]['token'] } | { readonly literal: string };

/** Splits a layout into tokens and literals, or says which letter is not a token. */
function parse(format: string): TimestampPart[] | { readonly unknown: string } {
  const parts: TimestampPart[] = [];
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch === '[') {
      // Letters meant literally go in brackets, as in moment: YYYY-MM-DD[T]HH:mm:ss.
      const end = format.indexOf(']', i + 1);
      if (end < 0) return { unknown: '[' };
      parts.push({ literal: format.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const token = TIMESTAMP_TOKENS.find((t) => format.startsWith(t.token, i));
    if (token) {
      parts.push({ token: token.token });
      i += token.token.length;
    } else if (/[A-Za-z]/.test(ch)) {
      let run = ch;
      while (format[i + run.length] === ch) run += ch;
      return { unknown: run };
    } else {
      parts.push({ literal: ch });
      i++;
    }
  }
  return parts;
}

/** Why a timestamp layout cannot be used, as a catalog message (the client shows it in its language); undefined when it can. */
export function timestampFormatIssue(format: string): CatalogMessage | undefined {
  if (format.trim() === '') return { id: 'connections.timestamps.empty', values: { example: DEFAULT_TIMESTAMP_FORMAT } };
  const parts = parse(format);
  if ('unknown' in parts) {
    return parts.unknown === '['
      ? { id: 'connections.timestamps.unclosed', values: { format } }
      : { id: 'connections.timestamps.unknownPart', values: { format, part: parts.unknown } };
  }
  const tokens = parts.flatMap((p) => ('token' in p ? [p.token] : []));
  const has = (...ts: string[]) => tokens.filter((t) => ts.includes(t)).length;
  for (const [what, group] of [
    ['year', ['YYYY', 'YY']],
    ['month', ['MM', 'M']],
    ['day', ['DD', 'D']],
    ['hour', ['HH', 'H', 'hh']],
    ['minute', ['mm']],
  ] as const) {
    const n = has(...group);
    if (n !== 1) return { id: 'connections.timestamps.once', values: { format, part: what, count: n, example: DEFAULT_TIMESTAMP_FORMAT } };
  }
  if (has('hh') !== has('A')) return { id: 'connections.timestamps.twelveHour', values: { format } };
  if (has('ss') > 1 || has('SSS') > 1 || has('A') > 1) return { id: 'connections.timestamps.twice', values: { format } };
  return undefined;
}

/** Why a timestamp layout cannot be used, in English words for the operator (contract issues, logs); undefined when it can. */
export function timestampFormatProblem(format: string): string | undefined {
  const issue = timestampFormatIssue(format);
  return issue && englishText(issue);
}

/** DuckDB's strptime layout of a valid format (see {@link timestampFormatProblem}). */
export function duckdbTimestampFormat(format: string): string {
  const problem = timestampFormatProblem(format);
  if (problem) throw new Error(problem);
  return (parse(format) as TimestampPart[]).map((p) => ('token' in p ? TIMESTAMP_TOKENS.find((t) => t.token === p.token)!.code : p.literal.replace(/%/g, '%%'))).join('');
}
