// Enforces the design's import rules (../shared/design.md):
//  - only main/host/electron/** imports `electron`;
//  - shared/** imports nothing from Node, Electron, the DOM-only packages, main/ or renderer/;
//  - renderer/** imports nothing from Node, Electron or main/;
//  - shipped code (main/ outside main/build/, shared/, renderer/) imports neither test/ nor
//    main/build/: the build scripts run at build time, the tests never ship.
// Exit code 1 with one line per violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const IMPORT = /^\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts|mjs|js)$/.test(name)) yield path;
  }
}

/** Returns the violations of one file's imports. */
export function checkFile(file, source) {
  const rel = relative(root, file).split(sep).join('/');
  const problems = [];
  for (const match of source.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3] ?? match[4];
    const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)).split(sep).join('/') : null;
    const isElectron = spec === 'electron' || spec.startsWith('electron/');
    if (isElectron && !rel.startsWith('main/host/electron/')) problems.push(`${rel}: only main/host/electron/** may import "electron"`);
    if (rel.startsWith('shared/')) {
      if (nodeBuiltins.has(spec)) problems.push(`${rel}: shared/ must not import the Node module "${spec}"`);
      if (target && (target.startsWith('main/') || target.startsWith('renderer/'))) problems.push(`${rel}: shared/ must not import ${target}`);
      if (/^(react|react-dom|ag-grid|ws$)/.test(spec)) problems.push(`${rel}: shared/ must not import "${spec}"`);
    }
    if (target && !rel.startsWith('main/build/') && !rel.startsWith('renderer/vite.config') && (target.startsWith('test/') || target.startsWith('main/build/'))) {
      problems.push(`${rel}: shipped code must not import ${target} (tests and build scripts do not ship)`);
    }
    if (rel.startsWith('renderer/') && !rel.startsWith('renderer/vite.config')) {
      if (nodeBuiltins.has(spec)) problems.push(`${rel}: the renderer must not import the Node module "${spec}"`);
      if (target && target.startsWith('main/')) problems.push(`${rel}: the renderer must not import ${target} (use the api client)`);
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = [];
  for (const top of ['main', 'shared', 'renderer']) {
    for (const file of sourceFiles(join(root, top))) problems.push(...checkFile(file, readFileSync(file, 'utf8')));
  }
  for (const p of problems) console.error(p);
  console.log(problems.length === 0 ? 'import rules: ok' : `import rules: ${problems.length} violation(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
