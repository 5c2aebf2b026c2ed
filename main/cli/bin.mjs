#!/usr/bin/env node
// The `loopdesk` command. Runs the bundle `dist/cli/main.mjs` (built by npm's `prepare` at
// install and by `npm run build`) while it is current, so a command starts without compiling
// TypeScript; in a source checkout where any input of the bundle changed since, it runs the
// TypeScript sources through tsx instead (LOOPDESK_FROM_SOURCES=1 forces that).
import { readFileSync, statSync } from 'node:fs';

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

let main;
if (process.env.LOOPDESK_FROM_SOURCES !== '1' && bundleIsCurrent()) {
  // eslint-disable-next-line no-restricted-syntax -- the built bundle is an absolute file URL, not a source import the rules need to see
  ({ main } = await import(new URL('dist/cli/main.mjs', root).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
