import { join } from 'node:path';
import { ConnectionOptions } from '../../../shared/contract/profiles';
import type { SftpTarget } from '../../../main/services/sftp';
import { startSandbox } from '../../../main/services/sandbox';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';
import { startSshd } from '../../helpers/sshd';
import { sshdTarget } from '../../helpers/sshd-target';
import { tempDir } from '../../helpers/temp-dir';

/** A real SFTP server behind a fault proxy, with the same directory seen over SFTP and on disk. */
export interface FaultBench {
  readonly name: 'sshd' | 'sandbox';
  readonly proxy: FaultProxy;
  /** Directory for test files, as an SFTP path. */
  readonly remoteDir: string;
  /** The same directory on the local disk, to check what the server really holds. */
  readonly diskDir: string;
  /** A target that goes through the proxy. */
  target(options?: Partial<ConnectionOptions>): SftpTarget;
  stop(): Promise<void>;
}

/**
 * Short timeouts: a fault must end in an error within seconds, and a test that would hang for the
 * default 60 s operation timeout should fail the suite's time budget instead of passing slowly.
 */
const FAULT_OPTIONS = { connectTimeoutSeconds: 5, operationTimeoutSeconds: 5, keepaliveSeconds: 0 } as const;

/** Starts the named server and a seeded proxy in front of it. */
export async function startFaultBench(name: 'sshd' | 'sandbox', seed: string): Promise<FaultBench> {
  if (name === 'sshd') {
    const sshd = await startSshd();
    const proxy = await startFaultProxy({ targetPort: sshd.port, seed: `${seed}:sshd` });
    const dir = `${sshd.root}/faults`;
    return {
      name,
      proxy,
      remoteDir: dir,
      diskDir: dir,
      target: (options = {}) => ({ ...sshdTarget(sshd, { options: { ...FAULT_OPTIONS, ...options } }), port: proxy.port }),
      async stop() {
        await proxy.stop();
        await sshd.stop();
      },
    };
  }
  const root = tempDir('loopdesk-fault-sandbox-');
  const sandbox = await startSandbox({ root: root.path, port: 0, interval: 0, exportInterval: 0 });
  const proxy = await startFaultProxy({ targetPort: sandbox.port, seed: `${seed}:sandbox` });
  return {
    name,
    proxy,
    remoteDir: '/faults',
    diskDir: join(sandbox.sftpRoot, 'faults'),
    target: (options = {}) => ({
      host: proxy.host,
      port: proxy.port,
      username: sandbox.user,
      password: sandbox.password,
      trustedKeys: [sandbox.fingerprint],
      options: ConnectionOptions.parse({ ...FAULT_OPTIONS, ...options }),
    }),
    async stop() {
      await proxy.stop();
      await sandbox.stop();
      root.cleanup();
    },
  };
}
