/**
 * Names of the response files on the server. The spec's names are examples and "can be
 * configured" per installation (interpretation.md: default `YYYYMMDD_<kind>.csv`), so each client
 * has a pattern with two placeholders: `{date}` (the file's day, eight digits YYYYMMDD) and
 * `{kind}` (one of the seven kinds), and optionally `{part}`: a server that splits one kind's
 * export of a day into several files numbers them (`20261204_clicks_1.csv`, `…_2.csv`). The text
 * between the previous placeholder and `{part}` (here `_`) goes with it, so the same pattern also
 * recognises a day that came as one file. The pattern lives in the client's settings; main uses it
 * to find the files, the Connections screen to check it and show an example.
 */

import { englishText, type CatalogMessage } from '../i18n/catalog-message';

/** The seven response file kinds the spec names, in the order they are ingested within a day. */
export const RESPONSE_KIND_NAMES = ['mailings', 'mailingrecipients', 'links', 'clicks', 'opens', 'unsubscribes', 'responses'] as const;

/** One of {@link RESPONSE_KIND_NAMES}. */
export type ResponseKindName = (typeof RESPONSE_KIND_NAMES)[number];

/** The spec's example names: `20240601_clicks.csv`. */
export const DEFAULT_RESPONSE_FILE_NAMES = '{date}_{kind}.csv';

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Why a file-name pattern cannot be used, as a catalog message (the client shows it in its language); undefined when it can. */
export function responseFileNamesIssue(pattern: string): CatalogMessage | undefined {
  if (pattern.trim() === '') return { id: 'connections.responseNames.empty' };
  if (pattern.length > 200) return { id: 'connections.responseNames.tooLong' };
  if (/[/\\]/.test(pattern)) return { id: 'connections.responseNames.slash' };
  const names = [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1]);
  const unknown = names.find((n) => n !== 'date' && n !== 'kind' && n !== 'part');
  if (unknown !== undefined) return { id: 'connections.responseNames.unknown', values: { placeholder: `{${unknown}}` } };
  for (const name of ['date', 'kind']) {
    const count = names.filter((n) => n === name).length;
    if (count !== 1) return { id: 'connections.responseNames.once', values: { placeholder: `{${name}}`, count } };
  }
  if (names.filter((n) => n === 'part').length > 1) return { id: 'connections.responseNames.partOnce' };
  if (/[{}]/.test(pattern.replace(PLACEHOLDER, ''))) return { id: 'connections.responseNames.brace' };
  return undefined;
}

/** Why a file-name pattern cannot be used, in English words for the operator (contract issues, logs); undefined when it can. */
export function responseFileNamesProblem(pattern: string): string | undefined {
  const issue = responseFileNamesIssue(pattern);
  return issue && englishText(issue);
}

/** A response file recognised by its name. */
export interface ResponseFileName {
  /** The file's day, YYYYMMDD. */
  readonly day: string;
  readonly kind: ResponseKindName;
  /** The part number of a split export (`{part}`); undefined for a day that came as one file. */
  readonly part?: number;
}

/**
 * The recogniser of a valid pattern (see {@link responseFileNamesProblem}): the day and kind of a
 * file name, or undefined for names that do not fit. Letter case is ignored, as servers export
 * `Clicks` as readily as `clicks`.
 */
export function responseFileNameMatcher(pattern: string): (name: string) => ResponseFileName | undefined {
  const problem = responseFileNamesProblem(pattern);
  if (problem) throw new Error(problem);
  const parts = pattern.split(PLACEHOLDER);
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // split() with a capture group alternates literal text and placeholder names. The literal
  // before {part} is optional together with it (a day that came as one file).
  const source = parts
    .map((p, i) => {
      if (i % 2 === 0) return parts[i + 1] === 'part' ? '' : escape(p);
      if (p === 'date') return '(?<day>\\d{8})';
      if (p === 'part') return `(?:${escape(parts[i - 1]!)}(?<part>\\d{1,6}))?`;
      return `(?<kind>${RESPONSE_KIND_NAMES.join('|')})`;
    })
    .join('');
  const re = new RegExp(`^${source}$`, 'i');
  return (name) => {
    const m = re.exec(name);
    if (!m?.groups) return undefined;
    const kind = m.groups.kind.toLowerCase() as ResponseKindName;
    return m.groups.part === undefined ? { day: m.groups.day, kind } : { day: m.groups.day, kind, part: Number(m.groups.part) };
  };
}

/** The name a pattern gives one file (part 1 of a split export when the pattern has `{part}`), e.g. for the example under the setting. */
export function responseFileName(pattern: string, day: string, kind: ResponseKindName, part = 1): string {
  return pattern.replace('{date}', day).replace('{kind}', kind).replace('{part}', String(part));
}
