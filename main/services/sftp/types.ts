import type { Client, SFTPWrapper } from 'ssh2';
import type { ConnectionOptions } from '../../../shared/contract/profiles';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import type { MessageId, MessageValues } from '../../../shared/i18n/messages';
import type { TransferProgress } from './progress';

/** The parts of ssh2-sftp-client that its type definitions leave out but we rely on. */
export interface SftpClientInternals {
  readonly client: Client;
  readonly sftp?: SFTPWrapper;
}

/** Where and how to connect; built by the profiles service from a profile plus its secret. */
export interface SftpTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password?: string;
  readonly privateKey?: string | Buffer;
  readonly passphrase?: string;
  /** Pinned host keys (`SHA256:…`); empty means "nothing trusted yet", never "trust anything". */
  readonly trustedKeys: readonly string[];
  readonly options: ConnectionOptions;
}

/**
 * One structured log line from the SFTP layer; the host decides where it goes. Its sentence is a
 * catalog key and values (the activity log's own form), so each window reads it in its language.
 */
export interface SftpLogEvent {
  readonly level: 'info' | 'warn' | 'error';
  /** Dotted event kind, e.g. `sftp.connect`, `sftp.upload.done`. */
  readonly kind: string;
  readonly messageId: MessageId;
  readonly values?: MessageValues;
  readonly details?: string;
}

/** Options for `openSftp` that are not part of the target. */
export interface OpenSftpOptions {
  /** Receives connection and transfer events; silent when absent. */
  readonly log?: (e: SftpLogEvent) => void;
}

/** One entry of a remote directory listing. */
export interface RemoteEntry {
  readonly name: string;
  /** `d` directory, `-` file, `l` symlink (ls-style first letter). */
  readonly type: 'd' | '-' | 'l' | 'other';
  readonly size: number;
  /** Modification time, ms since the epoch. */
  readonly modifyTime: number;
}

/** What `stat` tells about a remote path. */
export interface RemoteStat {
  readonly size: number;
  readonly isDirectory: boolean;
  readonly isFile: boolean;
  /** Modification time, ms since the epoch. */
  readonly modifyTime: number;
  readonly mode: number;
}

/** Options for {@link SftpSession.download}. */
export interface DownloadOptions {
  readonly onProgress?: (p: TransferProgress) => void;
}

/** Options for {@link SftpSession.uploadAtomic}. */
export interface UploadOptions {
  readonly onProgress?: (p: TransferProgress) => void;
  /** `fast` = parallel fastPut; `plain` = one sequential stream, for servers that garble fastPut. Default: the profile's transferMode. */
  readonly mode?: 'fast' | 'plain';
  /**
   * Runs after the whole `.part` file is on the server and before it is renamed to its final
   * name; throwing stops the publication (the `.part` is removed). Team mode checks there that
   * this workstation still holds the send's lease, so an upload whose lease another
   * workstation may already have taken over never publishes.
   */
  readonly beforePublish?: () => Promise<void>;
}

/** Result of a finished upload. */
export interface UploadResult {
  /** Absolute or profile-relative remote path of the final file. */
  readonly remotePath: string;
  readonly bytes: number;
  readonly seconds: number;
}

/** Result of a finished download. */
export interface DownloadResult {
  readonly localPath: string;
  readonly bytes: number;
  readonly seconds: number;
}

/** What {@link SftpSession.checkWritable} found. */
export interface WriteCheck {
  readonly ok: boolean;
  readonly message: string;
  readonly text: CatalogText;
  /** The probe's modification time on the server (ms) and this workstation's clock just before its write and just after: a measurement of the server's clock. */
  readonly clock?: { readonly modifyTime: number; readonly before: number; readonly after: number };
}

/** An open SFTP connection with the operations Loopdesk needs. */
export interface SftpSession {
  /** The server's SSH identification string, e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2`. */
  readonly serverIdent: string;
  /** The host key fingerprint the connection was verified against (`SHA256:…`). */
  readonly fingerprint: string;
  readonly keyType: string;
  /** SFTP extensions the server advertised (e.g. `posix-rename@openssh.com`). */
  readonly extensions: readonly string[];
  /** Whether the connection is still usable; false after end() or a lost link. */
  readonly connected: boolean;
  /** Entries of a remote directory (NOT_FOUND when it does not exist). */
  list(dir: string): Promise<RemoteEntry[]>;
  /** Attributes of a remote path, or null when it does not exist (other failures throw). */
  stat(path: string): Promise<RemoteStat | null>;
  /** Whether a remote path exists. */
  exists(path: string): Promise<boolean>;
  /** Creates a directory and its missing parents; fine when it already exists. */
  mkdirp(dir: string): Promise<void>;
  /** Deletes a remote file; a file that is already gone is not an error. */
  remove(path: string): Promise<void>;
  /**
   * Downloads to `<localPath>.part`, checks the size against the server's, then renames.
   * A cut download never leaves a complete-looking file behind.
   */
  download(remotePath: string, localPath: string, opts?: DownloadOptions): Promise<DownloadResult>;
  /**
   * Uploads to `<remoteDir>/<finalName>.part`, checks the remote size, then renames to the final name.
   * Refuses (TARGET_EXISTS) when the final name exists, never overwrites it; on any failure the
   * `.part` is removed (best effort) and TRANSFER_FAILED is thrown, `details.transient` telling
   * whether a retry on a new connection may help.
   */
  uploadAtomic(localPath: string, remoteDir: string, finalName: string, opts?: UploadOptions): Promise<UploadResult>;
  /**
   * Creates and removes a temporary file in `dir`; never throws, reports in words: `message` in
   * English, `text` the same sentence as a catalog key and values for the reader's language.
   * `clock`: the probe's modification time on the server and this workstation's clock around its
   * write, a measurement of the server's clock (sends/server-clock.ts); absent when not written.
   */
  checkWritable(dir: string): Promise<WriteCheck>;
  /** Closes the connection; bounded by a timeout because end() can hang after a reset. */
  end(): Promise<void>;
}
