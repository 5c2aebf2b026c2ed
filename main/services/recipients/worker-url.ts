import { workerSpec, type WorkerSpec } from '../worker-spec';

export type { WorkerSpec } from '../worker-spec';

/** The prepare pipeline's writer thread (see {@link workerSpec}). */
export function prepareWorkerSpec(): WorkerSpec {
  return workerSpec(import.meta.url, 'prepare-worker');
}
