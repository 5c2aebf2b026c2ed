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
  if (trusted.length === 0) {
    return new AppError(
      'HOST_KEY_UNKNOWN',
      `The server presented a ${keyType} host key with fingerprint ${fingerprint}, which this profile does not trust yet. ` +
        'Compare it with the fingerprint your server administrator gave you, then trust it in the profile settings.',
      { fingerprint, keyType },
    );
  }
  return new AppError(
    'HOST_KEY_CHANGED',
    `WARNING: the server's host key has changed (now ${fingerprint}). This may be a man-in-the-middle attack, ` +
      'or the server was reinstalled. Do not connect until your server administrator confirms the new fingerprint; ' +
      'then remove the old key from the profile and trust the new one.',
    { fingerprint, keyType, trusted: [...trustedKeys] },
  );
}
