// Runs Electronegativity (@doyensec/electronegativity) over one folder and prints its
// findings as JSON on stdout. A separate process, because two shims below must not leak
// into the test runner:
//  - its TypeScript parser (@typescript-eslint/typescript-estree 4, hoisted to the top of
//    node_modules) loads whatever `typescript` resolves there, which is our TypeScript 7
//    (native, no JS API); it is pointed at the TypeScript 4 Electronegativity ships itself;
//  - it fetches translations and Electron's release list over the network; `got` is
//    replaced by an immediate refusal so the scan is offline and deterministic (the
//    release check is excluded by the caller; npm audit covers known advisories).
// Usage: node electronegativity-runner.cjs <folder> <electron version>
'use strict';
const Module = require('node:module');
const path = require('node:path');

const [input, electronVersion] = process.argv.slice(2);
if (!input || !electronVersion) {
  console.error('usage: electronegativity-runner.cjs <folder> <electron version>');
  process.exit(2);
}
const enegDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json', { paths: [process.cwd(), __dirname] }));
const typescript4 = path.join(enegDir, 'node_modules', 'typescript');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'typescript' && parent && /@typescript-eslint[\\/]typescript-estree/.test(parent.filename)) {
    return resolve.call(this, typescript4, parent, ...rest);
  }
  return resolve.call(this, request, parent, ...rest);
};
const gotPath = require.resolve('got', { paths: [enegDir] });
require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: () => Promise.reject(new Error('offline by design')) };

const log = console.log;
console.log = (...args) => console.error(...args); // its chatter goes to stderr; stdout is the JSON
const run = require(path.join(enegDir, 'dist', 'runner.js'));
run(
  {
    input: path.resolve(input),
    isRelative: true,
    parserPlugins: [],
    electronVersionOverride: electronVersion,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  },
  false,
).then(
  (result) => {
    const issues = result.issues.map((i) => ({
      id: i.id,
      severity: i.severity.name,
      confidence: i.confidence.name,
      file: i.file,
      line: i.location ? i.location.line : 0,
      sample: i.sample ?? null,
      description: i.description,
      manualReview: Boolean(i.manualReview),
    }));
    log(JSON.stringify({ checks: result.globalChecks + result.atomicChecks, errors: result.errors, issues }));
  },
  (error) => {
    console.error(error && error.stack ? error.stack : String(error));
    process.exit(2);
  },
);
