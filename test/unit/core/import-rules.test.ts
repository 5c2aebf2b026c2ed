import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM build script without type declarations
import { checkFile } from '../../../main/build/lint-imports.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('import rules', () => {
  it('lets only the Electron host import electron', () => {
    expect(checkFile(`${root}main/host/electron/x.ts`, "import { app } from 'electron';")).toEqual([]);
    expect(checkFile(`${root}main/services/sftp/x.ts`, "import { app } from 'electron';")).toHaveLength(1);
    expect(checkFile(`${root}main/services/sftp/x.ts`, "const e = await import('electron');")).toHaveLength(1);
    expect(checkFile(`${root}renderer/src/x.ts`, "const { ipcRenderer } = require('electron');")).toHaveLength(1);
  });

  it('keeps shared/ free of Node, main/ and renderer/', () => {
    expect(checkFile(`${root}shared/contract/x.ts`, "import { z } from 'zod';")).toEqual([]);
    expect(checkFile(`${root}shared/contract/x.ts`, "import { readFile } from 'node:fs';")).toHaveLength(1);
    expect(checkFile(`${root}shared/contract/x.ts`, "import fs from 'fs';")).toHaveLength(1);
    expect(checkFile(`${root}shared/contract/x.ts`, "import { Dispatcher } from '../../main/core/dispatcher';")).toHaveLength(1);
    expect(checkFile(`${root}shared/contract/x.ts`, "export { App } from '../../renderer/src/app';")).toHaveLength(1);
  });

  it('keeps the renderer off Node and main/', () => {
    expect(checkFile(`${root}renderer/src/x.ts`, "import { createApi } from '../../shared/contract/client';")).toEqual([]);
    expect(checkFile(`${root}renderer/src/x.ts`, "import { openAppContext } from '../../main/app/app-context';")).toHaveLength(1);
    expect(checkFile(`${root}renderer/src/x.ts`, "import path from 'node:path';")).toHaveLength(1);
  });

  it('keeps tests and build scripts out of shipped code (the CLI bench and the UI build once were imported by the CLI)', () => {
    expect(checkFile(`${root}main/cli/commands/x.ts`, "const m = await import('../../../test/bench/sftp-bench');")).toHaveLength(1);
    expect(checkFile(`${root}main/cli/commands/x.ts`, "const b = await import('../../build/build-app.mjs' as string);")).toHaveLength(1);
    expect(checkFile(`${root}main/host/x.ts`, "import { x } from '../build/renderer-freshness.mjs';")).toHaveLength(1);
    expect(checkFile(`${root}main/build/x.mjs`, "import { buildCli } from './build-cli.mjs';")).toEqual([]);
    expect(checkFile(`${root}test/bench/x.ts`, "import { main } from '../../main/cli/main';")).toEqual([]);
  });
});
