import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository (or unpacked app) root, found from this file's location. */
export function appRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** Folder of the built renderer. */
export function rendererDir(): string {
  return fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
}

/** True when the renderer has been built. */
export function rendererBuilt(): boolean {
  return existsSync(new URL('../../dist/renderer/index.html', import.meta.url));
}
