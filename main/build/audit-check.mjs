// Known-vulnerability gate: `npm audit --omit=dev --json` over what the installers ship,
// plus Electron itself (a devDependency only because electron-builder wants it there, yet
// it is the runtime every installer contains). Exits 1 on any high or critical finding and
// prints each; exits 2 when the registry's audit endpoint cannot be reached or answers
// something that is not an audit report, because "could not check" must never read as
// "nothing found".
// Usage: node main/build/audit-check.mjs
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Severities that fail the gate. */
export const BLOCKING = new Set(['high', 'critical']);

/** Packages outside `--omit=dev` that still ship in the installers. */
export const SHIPPED_DEV_PACKAGES = ['electron'];

/**
 * Reads one `npm audit --json` answer. Returns `{ reachable: false, reason }` when it is an
 * error (registry down, endpoint missing, offline) instead of a report; otherwise the
 * blocking findings, one per vulnerable package, with the advisories behind each.
 * `only` limits the findings to the named packages.
 */
export function readAuditReport(stdout, only) {
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    return { reachable: false, reason: `npm audit printed no JSON report: ${String(stdout).trim().slice(0, 300) || '(nothing)'}` };
  }
  if (!report || typeof report !== 'object' || !report.vulnerabilities || !report.metadata?.vulnerabilities) {
    const reason = report?.message ?? report?.error?.summary ?? JSON.stringify(report).slice(0, 300);
    return { reachable: false, reason: String(reason) };
  }
  const findings = [];
  for (const [name, v] of Object.entries(report.vulnerabilities)) {
    if (only && !only.includes(name)) continue;
    if (!BLOCKING.has(v.severity)) continue;
    const advisories = (v.via ?? [])
      .filter((via) => typeof via === 'object')
      .map((via) => ({ title: via.title, url: via.url, severity: via.severity, range: via.range }));
    const through = (v.via ?? []).filter((via) => typeof via === 'string');
    const fix = v.fixAvailable === true ? 'npm audit fix' : v.fixAvailable ? `upgrade ${v.fixAvailable.name} to ${v.fixAvailable.version}${v.fixAvailable.isSemVerMajor ? ' (semver-major)' : ''}` : 'no fix published';
    findings.push({ name, severity: v.severity, range: v.range, direct: Boolean(v.isDirect), advisories, through, fix });
  }
  return { reachable: true, counts: report.metadata.vulnerabilities, dependencies: report.metadata.dependencies, findings };
}

function audit(args) {
  const started = Date.now();
  const r = spawnSync('npm', ['audit', '--json', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, shell: process.platform === 'win32' });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error, seconds: (Date.now() - started) / 1000 };
}

function describeFinding(f) {
  const lines = [`  ${f.severity.toUpperCase()} ${f.name} ${f.range ?? ''}${f.direct ? ' (direct dependency)' : ''} — fix: ${f.fix}`];
  for (const a of f.advisories) lines.push(`      ${a.title} [${a.severity}] ${a.url ?? ''}`);
  if (f.through.length) lines.push(`      through: ${f.through.join(', ')}`);
  return lines.join('\n');
}

function main() {
  const runs = [
    { title: 'production dependencies (npm audit --omit=dev)', args: ['--omit=dev'], only: undefined },
    { title: `shipped runtime (${SHIPPED_DEV_PACKAGES.join(', ')})`, args: [], only: SHIPPED_DEV_PACKAGES },
  ];
  let blocking = 0;
  for (const run of runs) {
    const result = audit(run.args);
    if (result.error) {
      console.error(`audit-check: could not run npm (${result.error.message}). Nothing was checked.`);
      return 2;
    }
    const report = readAuditReport(result.stdout, run.only);
    if (!report.reachable) {
      console.error(`audit-check: the registry's audit endpoint did not answer with a report for the ${run.title}, so NOTHING WAS CHECKED.`);
      console.error(`  npm said: ${report.reason}`);
      const hint = result.stderr.split('\n').filter((l) => /warn|error/i.test(l)).slice(0, 3).join('\n  ');
      if (hint) console.error(`  ${hint}`);
      console.error('  Run it where the configured npm registry implements /-/npm/v1/security/advisories/bulk.');
      return 2;
    }
    const found = report.findings;
    blocking += found.length;
    const c = report.counts;
    console.log(
      `audit-check: ${run.title}: ${found.length} blocking in ${run.only ? run.only.join(', ') : `${report.dependencies?.prod ?? '?'} packages`}` +
        ` (all severities in that audit: critical ${c.critical}, high ${c.high}, moderate ${c.moderate}, low ${c.low}) in ${result.seconds.toFixed(1)} s`,
    );
    for (const f of found) console.log(describeFinding(f));
  }
  if (blocking) console.error(`audit-check: ${blocking} package(s) with high or critical advisories. Upgrade them (see "fix" above) or replace them.`);
  else console.log('audit-check: no high or critical advisories.');
  return blocking ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
