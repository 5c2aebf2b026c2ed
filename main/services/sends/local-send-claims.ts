import type { SendClaims } from '../store/send-claims';

/**
 * Send coordination for one workstation: the DuckDB send journal already is the only writer,
 * so the source-mailing lock and the used names are checked in `create` against the journal
 * (as before team mode existed), the upload lease is always this process's, and there is no
 * one else to tell about state changes.
 */
export function localSendClaims(): SendClaims {
  return {
    mode: 'local',
    claim: async (request) => ({ fileName: request.fileName, productsFileName: request.productsFileName }),
    reserveNames: async () => true,
    acquireLease: async () => ({ kind: 'held' }),
    assertLease: async () => undefined,
    releaseLease: async () => undefined,
    recordState: async () => undefined,
  };
}
