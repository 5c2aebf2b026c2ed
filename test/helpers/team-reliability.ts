import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the team tests leave their figures for the README's reliability section (test/reliability-report.mjs). */
const DIR = join(fileURLToPath(new URL('../..', import.meta.url)), 'test-results', 'reliability');

/** One row of the reliability table, as a team test measured it. */
export interface TeamFigure {
  /** Which test, (a) to (d) of issue 16, and what it shows. */
  readonly what: string;
  readonly tried: string;
  readonly survived: string;
  readonly seed: string;
}

/**
 * Writes a team test's figure to `test-results/reliability/team-<key>.json` (one file per test,
 * so tests running in parallel never overwrite each other's).
 */
export function recordTeamFigure(key: string, figure: TeamFigure): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `team-${key}.json`), `${JSON.stringify(figure, null, 2)}\n`);
}
