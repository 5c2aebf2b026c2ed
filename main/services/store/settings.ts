import Conf from 'conf';

/**
 * The settings file of a data dir (`settings.json`, written atomically by `conf`).
 * Holds profiles and preferences, never secrets. The Electron host uses the same file.
 */
export interface Settings {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** Path of the file, for the operator and for tests. */
  readonly path: string;
}

/** Opens (creating) the settings file in `dataDir`. */
export function openSettings(dataDir: string): Settings {
  const conf = new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: 'settings',
    projectName: 'loopdesk',
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
  return {
    get: <T>(key: string) => conf.get(key) as T | undefined,
    set: (key, value) => conf.set(key, value),
    delete: (key) => conf.delete(key),
    path: conf.path,
  };
}
