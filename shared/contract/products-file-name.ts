/**
 * Name of the products file on the server. The spec's name (`YYYYMMDDHHMMSS_products.csv`) is an
 * example; interpretation.md makes it a client setting like the response file names: a pattern
 * with one placeholder, `{stamp}`, the 14-digit stamp of the recipient file it belongs to. Main
 * builds the names with it, the Connections screen checks it and shows an example.
 */
import { englishText, type CatalogMessage } from '../i18n/catalog-message';

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Why a products file name pattern cannot be used, as a catalog message (the client shows it in its language); undefined when it can. */
export function productsFileNameIssue(pattern: string): CatalogMessage | undefined {
  if (pattern.trim() === '') return { id: 'connections.productsName.empty' };
  if (pattern.length > 200) return { id: 'connections.productsName.tooLong' };
  if (/[/\\]/.test(pattern)) return { id: 'connections.productsName.slash' };
  if ([...pattern].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127)) return { id: 'connections.productsName.control' };
  if (pattern !== pattern.trim()) return { id: 'connections.productsName.space' };
  const names = [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1]);
  const unknown = names.find((n) => n !== 'stamp');
  if (unknown !== undefined) return { id: 'connections.productsName.unknown', values: { placeholder: `{${unknown}}` } };
  if (names.length !== 1) return { id: 'connections.productsName.stampOnce', values: { count: names.length } };
  if (/[{}]/.test(pattern.replace(PLACEHOLDER, ''))) return { id: 'connections.productsName.brace' };
  if (pattern === '{stamp}_subscribers.csv' || pattern === '{stamp}_rejected.csv') return { id: 'connections.productsName.reserved' };
  if (/\.(part|tmp)$/i.test(pattern)) return { id: 'connections.productsName.transferEnding' };
  return undefined;
}

/** Why a products file name pattern cannot be used, in English words for the operator (contract issues, logs); undefined when it can. */
export function productsFileNameProblem(pattern: string): string | undefined {
  const issue = productsFileNameIssue(pattern);
  return issue && englishText(issue);
}

/** The products file name for a recipient file's stamp (`YYYYMMDDHHMMSS`); the pattern must be valid. */
export function productsFileNameFor(pattern: string, stamp: string): string {
  const problem = productsFileNameProblem(pattern);
  if (problem) throw new Error(problem);
  return pattern.replace('{stamp}', () => stamp);
}
