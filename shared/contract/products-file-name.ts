/**
 * Name of the products file on the server. The spec's name (`YYYYMMDDHHMMSS_products.csv`) is an
 * example; interpretation.md makes it a client setting like the response file names: a pattern
 * with one placeholder, `{stamp}`, the 14-digit stamp of the recipient file it belongs to. Main
 * builds the names with it, the Connections screen checks it and shows an example.
 */

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Why a products file name pattern cannot be used, in words for the operator; undefined when it can. */
export function productsFileNameProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'The products file name is empty. Use {stamp}_products.csv unless the server expects another name.';
  if (pattern.length > 200) return 'The products file name is longer than 200 characters.';
  if (/[/\\]/.test(pattern)) return 'The products file name cannot contain / or \\; the file always goes into the client’s upload directory.';
  if ([...pattern].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127)) return 'The products file name contains a control character (a tab or line break, for example).';
  if (pattern !== pattern.trim()) return 'The products file name starts or ends with a space.';
  const names = [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1]);
  const unknown = names.find((n) => n !== 'stamp');
  if (unknown !== undefined) return `The products file name contains {${unknown}}; only {stamp} can be used.`;
  if (names.length !== 1) return `The products file name needs {stamp} exactly once (found ${names.length}), e.g. {stamp}_products.csv.`;
  if (/[{}]/.test(pattern.replace(PLACEHOLDER, ''))) return 'The products file name contains a { or } that is not part of {stamp}.';
  if (pattern === '{stamp}_subscribers.csv' || pattern === '{stamp}_rejected.csv') return 'The products file name cannot be {stamp}_subscribers.csv or {stamp}_rejected.csv: Loopdesk names the recipient file and the file of rejected rows so.';
  if (/\.(part|tmp)$/i.test(pattern)) return 'The products file name cannot end in .part or .tmp: Loopdesk uses these endings for files still in transfer.';
  return undefined;
}

/** The products file name for a recipient file's stamp (`YYYYMMDDHHMMSS`); the pattern must be valid. */
export function productsFileNameFor(pattern: string, stamp: string): string {
  const problem = productsFileNameProblem(pattern);
  if (problem) throw new Error(problem);
  return pattern.replace('{stamp}', () => stamp);
}
