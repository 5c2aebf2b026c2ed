// `npm test`: every test, one summary. Steps: lint (code and architecture rules), type check, Vitest (unit,
// contract, integration), renderer build, Playwright end-to-end. Prints `N passed, N failed`
// as its last line and exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const reports = `${root}test-results/reports`;
rmSync(reports, { recursive: true, force: true });
// Reliability figures must come from this run only.
rmSync(`${root}test-results/reliability`, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

let passed = 0;
let failed = 0;
const failures = [];

function run(title, command, args, env = {}) {
  const started = Date.now();
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${title}: exit ${result.status ?? result.signal} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.status === 0;
}

function step(title, command, args) {
  if (run(title, command, args)) passed++;
  else {
    failed++;
    failures.push(title);
  }
}

function countVitest(file) {
  if (!existsSync(file)) return false;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  for (const suite of report.testResults) {
    for (const test of suite.assertionResults) if (test.status === 'failed') failures.push(`${suite.name.replace(root, '')} › ${test.fullName}`);
    // A file that fails to load has no assertion results but is still a failure.
    if (suite.status === 'failed' && suite.assertionResults.length === 0) {
      failed++;
      failures.push(`${suite.name.replace(root, '')} (failed to run: ${String(suite.message).split('\n')[0]})`);
    }
  }
  return true;
}

function countPlaywright(file) {
  if (!existsSync(file)) return false;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.stats.expected + report.stats.flaky;
  failed += report.stats.unexpected;
  const walk = (suite, path) => {
    for (const spec of suite.specs ?? []) if (!spec.ok) failures.push(`${path} › ${spec.title}`);
    for (const child of suite.suites ?? []) walk(child, `${path} › ${child.title}`);
  };
  for (const suite of report.suites ?? []) walk(suite, suite.title);
  return true;
}

const npx = (bin) => `${root}node_modules/.bin/${bin}`;

step('lint (ESLint: code rules and the architecture rules)', npx('eslint'), ['.']);
step('type check', npx('tsc'), ['-p', 'tsconfig.json']);

// Production dependencies with a high or critical advisory fail the run. Where the registry
// does not answer npm's audit endpoint (exit 2) nothing was checked: said loudly, not counted.
{
  const audited = spawnSync('node', ['main/build/audit-check.mjs'], { cwd: root, stdio: 'inherit' });
  if (audited.status === 0) passed++;
  else if (audited.status === 2) console.log('=== dependency audit: NOT CHECKED (the registry refused npm audit); see the output above');
  else {
    failed++;
    failures.push('dependency audit (npm audit --omit=dev): high or critical findings');
  }
}

// Built once before the tests: the browser-host, packaging and end-to-end tests load it.
step('renderer build', 'node', ['main/build/build-app.mjs', '--renderer-only']);
// The `loopdesk` bundle, as `npm install` leaves it: tests that spawn the CLI run what ships.
step('CLI bundle build', 'node', ['main/build/build-cli.mjs']);

const vitestFile = `${reports}/vitest.json`;
run('unit, contract and integration tests (Vitest)', npx('vitest'), ['run', '--config', 'test/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestFile}`]);
if (!countVitest(vitestFile)) {
  failed++;
  failures.push('Vitest did not produce a report');
}

if (existsSync(`${root}test/playwright.config.ts`)) {
  const playwrightFile = `${reports}/playwright.json`;
  run('end-to-end tests (Playwright, Chromium)', npx('playwright'), ['test', '--config', 'test/playwright.config.ts', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightFile,
  });
  if (!countPlaywright(playwrightFile)) {
    failed++;
    failures.push('Playwright did not produce a report');
  }
}

// The README's reliability figures come from this run, never from a hand.
const { updateReadme } = await import('./reliability-report.mjs');
updateReadme();

if (failures.length) {
  console.log('\nFailed:');
  for (const f of failures) console.log(`  - ${f}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
