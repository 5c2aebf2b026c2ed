import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The real linter with the repo's eslint.config.mjs, on code given as if it lived at a path
// in the tree (relative imports resolve against the real files).
const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The rule ids ESLint reports for `code` placed at `file` (parse errors fail the test). */
async function rulesBroken(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`could not lint ${file}: ${fatal.message}`);
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const ZONE = 'import-x/no-restricted-paths';

describe('architecture rules (ESLint, eslint-plugin-import-x)', { timeout: 180_000 }, () => {
  it('lets only the Electron host import electron, also through import() and require()', async () => {
    expect(await rulesBroken('main/host/electron/x.ts', "import { app } from 'electron';\nexport { app };")).toEqual([]);
    expect(await rulesBroken('main/services/sftp/x.ts', "import { app } from 'electron';\nexport { app };")).toEqual([expect.stringContaining(`${ZONE}: Unexpected path "electron"`)]);
    expect(await rulesBroken('main/services/sftp/x.ts', "export const e = await import('electron');")).toEqual([expect.stringContaining('[electron-only-in-its-host]')]);
    expect(await rulesBroken('main/core/x.cjs', "module.exports = require('electron');")).toEqual([expect.stringContaining('[electron-only-in-its-host]')]);
  });

  it('keeps services off hosts, the CLI and the composition root', async () => {
    expect(await rulesBroken('main/services/sends/x.ts', "export { startBrowserHost } from '../../host/browser/browser-host';")).toEqual([expect.stringContaining('[services-below-hosts]')]);
    expect(await rulesBroken('main/services/sends/x.ts', "export { openAppContext } from '../../app/app-context';")).toEqual([expect.stringContaining('[services-below-hosts]')]);
    expect(await rulesBroken('main/services/sends/x.ts', "export const cli = import('../../cli/main');")).toEqual([expect.stringContaining('[services-below-hosts]')]);
  });

  it('keeps shared/ free of Node, main/, renderer/ and UI packages', async () => {
    expect(await rulesBroken('shared/contract/x.ts', "export { z } from 'zod';")).toEqual([]);
    expect(await rulesBroken('shared/contract/x.ts', "export { readFile } from 'node:fs';")).toEqual([expect.stringContaining('import-x/no-nodejs-modules')]);
    expect(await rulesBroken('shared/contract/x.ts', "import fs from 'fs';\nexport { fs };")).toEqual([expect.stringContaining('import-x/no-nodejs-modules')]);
    expect(await rulesBroken('shared/contract/x.ts', "export { Dispatcher } from '../../main/core/dispatcher';")).toEqual([expect.stringContaining('[shared-stands-alone]')]);
    expect(await rulesBroken('shared/contract/x.ts', "export { App } from '../../renderer/src/app';")).toEqual([expect.stringContaining('[shared-stands-alone]')]);
    expect(await rulesBroken('shared/contract/x.ts', "export { useState } from 'react';")).toEqual([expect.stringContaining('[shared-stands-alone]')]);
  });

  it('keeps the renderer off Node and main/', async () => {
    expect(await rulesBroken('renderer/src/x.ts', "export { createApi } from '../../shared/contract/client';")).toEqual([]);
    expect(await rulesBroken('renderer/src/x.ts', "export { openAppContext } from '../../main/app/app-context';")).toEqual([expect.stringContaining('[renderer-through-the-api]')]);
    expect(await rulesBroken('renderer/src/x.ts', "import path from 'node:path';\nexport { path };")).toEqual([expect.stringContaining('import-x/no-nodejs-modules')]);
  });

  it('keeps tests and build scripts out of shipped code, and import() readable', async () => {
    expect(await rulesBroken('main/cli/commands/x.ts', "export { tempDir } from '../../../test/helpers/temp-dir';")).toEqual([expect.stringContaining('[shipped-code-without-tests-or-build]')]);
    expect(await rulesBroken('main/cli/commands/x.ts', "export const b = () => import('../../build/build-app.mjs');")).toEqual([expect.stringContaining('[shipped-code-without-tests-or-build]')]);
    expect(await rulesBroken('main/cli/commands/x.ts', "const m = '../../build/build-app.mjs';\nexport const b = () => import(m);")).toEqual([expect.stringContaining('[literal-dynamic-imports]')]);
    expect(await rulesBroken('test/unit/x.test.ts', "export { tempDir } from '../helpers/temp-dir';")).toEqual([]);
  });

  it('lets a service import only the services below it', async () => {
    expect(await rulesBroken('main/services/store/x.ts', "export { deleteOlderThan } from '../responses/ingest';")).toEqual([expect.stringContaining('[services-import-downward:store]')]);
    expect(await rulesBroken('main/services/recipients/x.ts', "export { personaliseForTest } from '../sends/test-send';")).toEqual([expect.stringContaining('[services-import-downward:recipients]')]);
    expect(await rulesBroken('main/services/sends/x.ts', "export { prepareDraft } from '../recipients/recipients-service';")).toEqual([]);
  });

  it('finds an import cycle', async () => {
    const cycle = new ESLint({ cwd: root, ignore: false });
    const [result] = await cycle.lintFiles([join(root, 'test/fixtures/lint/cycle-a.ts')]);
    expect(result.messages.map((m) => m.ruleId)).toEqual(['import-x/no-cycle']);
  });
});

describe('code rules', { timeout: 180_000 }, () => {
  it('checks the rules of hooks in the renderer', async () => {
    const component = "import { useState } from 'react';\nexport function C(p: { on: boolean }) {\n  if (p.on) useState(0);\n  return null;\n}\n";
    expect(await rulesBroken('renderer/src/x.tsx', component)).toEqual([expect.stringContaining('react-hooks/rules-of-hooks')]);
  });

  it('rejects a test that cannot fail: no assertion, or skipped', async () => {
    expect(await rulesBroken('test/unit/x.test.ts', "import { it } from 'vitest';\nit('adds', () => {\n  void (1 + 1);\n});\n")).toEqual([expect.stringContaining('vitest/expect-expect')]);
    expect(await rulesBroken('test/unit/x.test.ts', "import { expect, it } from 'vitest';\nit.skip('adds', () => {\n  expect(1 + 1).toBe(2);\n});\n")).toEqual([expect.stringContaining('vitest/no-disabled-tests')]);
  });

  it('rejects a disable comment that disables nothing', async () => {
    expect(await rulesBroken('main/core/x.ts', '// eslint-disable-next-line no-control-regex -- nothing here to disable\nexport const x = 1;\n')).toEqual([expect.stringContaining('Unused eslint-disable directive')]);
  });

  it('keeps tests and build scripts out of shipped code (the CLI bench and the UI build once were imported by the CLI)', async () => {
    expect(await rulesBroken('main/cli/commands/x.ts', "export const m = await import('../../../test/bench/sftp-bench');")).toEqual([expect.stringContaining('[shipped-code-without-tests-or-build]')]);
    expect(await rulesBroken('main/host/x.ts', "export { buildRenderer } from '../build/build-app.mjs';")).toEqual([expect.stringContaining('[shipped-code-without-tests-or-build]')]);
  });
});
