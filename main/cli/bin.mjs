#!/usr/bin/env node
// The `loopdesk` command. Runs the bundle `dist/cli/main.cjs` (built by npm's `prepare` at
// install and by `npm run build`) while it is current, so a command starts without compiling
// TypeScript; in a source checkout where any input of the bundle changed since, it runs the
// TypeScript sources through tsx instead (LOOPDESK_FROM_SOURCES=1 forces that).
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const root = new URL('../../', import.meta.url);

/** True when dist/cli exists and none of the sources it was built from changed after the build. */
function bundleIsCurrent() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8'));
    for (const input of inputs) if (statSync(new URL(input, root)).mtimeMs > builtAt) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads the CommonJS bundle through V8's code cache (main.cjs.v8cache): compiling the bundle is
 * most of a command's start-up otherwise. A missing or rejected cache (another Node version)
 * is written anew after the command, so it holds the code the command ran.
 */
function loadBundle() {
  const file = fileURLToPath(new URL('dist/cli/main.cjs', root));
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), {
    filename: file,
    cachedData,
    // The bundle still imports a few ES-only packages (the OS keyring, ExcelJS) on first use.
    // eslint-disable-next-line no-restricted-syntax -- the bundle's own import() calls pass through here; the rules saw them in the sources
    importModuleDynamically: (specifier) => import(specifier),
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const saveCache = () => {
    if (cachedData !== undefined && !script.cachedDataRejected) return;
    try {
      writeFileSync(`${cacheFile}.${process.pid}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.${process.pid}.tmp`, cacheFile);
    } catch {
      // A read-only install runs without the cache, only slower.
    }
  };
  return { main: module.exports.main, saveCache };
}

let main;
let saveCache = () => undefined;
if (process.env.LOOPDESK_FROM_SOURCES !== '1' && bundleIsCurrent()) {
  ({ main, saveCache } = loadBundle());
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
saveCache();
