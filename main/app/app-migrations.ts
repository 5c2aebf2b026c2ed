import { RESPONSES_MIGRATIONS } from '../services/responses/responses-migrations';
import { MIGRATIONS, type Migration } from '../services/store/migrations';

/**
 * Every migration of the data file, in order: the store's core tables (1…99), then the
 * response tables (100…199). Put together here, in the composition root, because the store
 * sits below the services whose tables it holds and never imports them.
 */
export const ALL_MIGRATIONS: readonly Migration[] = [...MIGRATIONS, ...RESPONSES_MIGRATIONS];
