/**
 * SFTP client layer: host-key trust, login, verified atomic uploads and downloads.
 *
 * One entry point so other services import `main/services/sftp` and never ssh2 directly.
 */
export { fingerprintOf, keyTypeOf, normaliseFingerprint } from './fingerprint';
export { checkHostKey } from './host-key-policy';
export { probeHostKey, type HostKeyInfo } from './host-key-probe';
export { openSftp } from './open-sftp';
export { withRetry, type RetryOptions } from './retry';
export { isTransientError, mapConnectError, mapRemoteError } from './errors';
export { algorithmsFor } from './algorithms';
export { createProgressTracker, type TransferProgress } from './progress';
export type {
  DownloadOptions,
  DownloadResult,
  OpenSftpOptions,
  RemoteEntry,
  RemoteStat,
  SftpLogEvent,
  SftpSession,
  SftpTarget,
  UploadOptions,
  UploadResult,
  WriteCheck,
} from './types';
