import type { MessageId } from '../../../../shared/i18n/messages';
import type { I18n } from '../../i18n/use-i18n';

/**
 * The services' machine kinds in the operator's words. The profiles service logs the SFTP
 * session's kinds without their `sftp.` prefix, so both spellings are listed.
 */
const KIND_TEXT: Record<string, MessageId> = {
  'sftp.connect': 'activity.kind.connected',
  'sftp.connect.failed': 'activity.kind.connectFailed',
  'connect.failed': 'activity.kind.connectFailed',
  'sftp.connection.close': 'activity.kind.disconnected',
  'connection.close': 'activity.kind.disconnected',
  'sftp.connection.end': 'activity.kind.serverHungUp',
  'connection.end': 'activity.kind.serverHungUp',
  'sftp.connection.error': 'activity.kind.connectionError',
  'connection.error': 'activity.kind.connectionError',
  'sftp.hostkey.refused': 'activity.kind.hostKeyRefused',
  'hostkey.refused': 'activity.kind.hostKeyRefused',
  'host-key': 'activity.kind.hostKey',
  'sftp.upload.start': 'activity.kind.uploadStarted',
  'upload.start': 'activity.kind.uploadStarted',
  'sftp.upload.done': 'activity.kind.uploaded',
  'upload.done': 'activity.kind.uploaded',
  'sftp.upload.confirmed': 'activity.kind.uploadConfirmed',
  'upload.confirmed': 'activity.kind.uploadConfirmed',
  'sftp.upload.failed': 'activity.kind.uploadFailed',
  'upload.failed': 'activity.kind.uploadFailed',
  'sftp.upload.cleanup': 'activity.kind.cleanup',
  'upload.cleanup': 'activity.kind.cleanup',
  'sftp.upload.unconfirmed': 'activity.kind.uploadUnconfirmed',
  'upload.unconfirmed': 'activity.kind.uploadUnconfirmed',
  'sftp.download.done': 'activity.kind.downloaded',
  'download.done': 'activity.kind.downloaded',
  connect: 'activity.kind.connection',
  test: 'activity.kind.test',
  profile: 'activity.kind.profile',
  export: 'activity.kind.export',
  suppression: 'activity.kind.suppression',
  upload: 'activity.kind.upload',
  send: 'activity.kind.send',
  status: 'activity.kind.status',
  pull: 'activity.kind.pull',
  retention: 'activity.kind.retention',
  keyring: 'activity.kind.keyring',
};

/** The catalog key of a kind, or null for a kind this version does not know. */
export function kindMessage(kind: string): MessageId | null {
  return Object.hasOwn(KIND_TEXT, kind) ? KIND_TEXT[kind] : null;
}

/** A kind in words; unknown ones read from their last part (`sftp.foo.bar` → `Bar`), a machine name shown as data. */
export function kindText(t: I18n['t'], kind: string): string {
  const known = kindMessage(kind);
  if (known) return t(known);
  const last = kind.split('.').pop() ?? kind;
  return last.charAt(0).toUpperCase() + last.slice(1).replaceAll('_', ' ');
}
