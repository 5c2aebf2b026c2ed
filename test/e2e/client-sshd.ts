import { startSshd, type SshdHandle } from '../helpers/sshd';
import { clientDirs } from '../helpers/sshd-dirs';
import { test } from './fixtures';

/** The test sshd and a client's three folders on it, for the Connections screen to point at. */
export interface ClientSshd {
  readonly sshd: SshdHandle;
  readonly dirs: ReturnType<typeof clientDirs>;
}

/** Starts the test sshd with the client folders before the calling file's tests and stops it after them; the fields are there once the tests run. */
export function useClientSshd(): ClientSshd {
  let sshd: SshdHandle | undefined;
  let dirs: ClientSshd['dirs'] | undefined;
  test.beforeAll(async () => {
    sshd = await startSshd();
    dirs = clientDirs(sshd);
  });
  test.afterAll(async () => {
    await sshd?.stop();
  });
  return {
    get sshd() {
      if (!sshd) throw new Error('useClientSshd: the sshd runs only while the tests run');
      return sshd;
    },
    get dirs() {
      if (!dirs) throw new Error('useClientSshd: the sshd runs only while the tests run');
      return dirs;
    },
  };
}
