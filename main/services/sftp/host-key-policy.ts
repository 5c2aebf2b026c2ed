import { AppError } from '../../../shared/contract/result';
import { normaliseFingerprint } from './fingerprint';

/**
 * Decides whether a server key may be used, as a pure function of the pinned list.
 *
 * Never accepts silently: an empty list is "unknown" (the operator must look at the
 * fingerprint and trust it), a key outside a non-empty list is "changed" (possible attack).
 * Returns `null` when the key is trusted, otherwise the error to report.
 */
export function checkHostKey(fingerprint: string, keyType: string, trustedKeys: readonly string[]): AppError | null {
  const trusted = trustedKeys.map(normaliseFingerprint);
  if (trusted.includes(normaliseFingerprint(fingerprint))) return null;
  if (trusted.length === 0) return new AppError('HOST_KEY_UNKNOWN', 'error.sftp.hostKeyUnknown', { keyType, fingerprint }, { fingerprint, keyType });
  return new AppError('HOST_KEY_CHANGED', 'error.sftp.hostKeyChanged', { fingerprint }, { fingerprint, keyType, trusted: [...trustedKeys] });
}
