import type { ImplOf } from '../../../shared/contract';
import type { responsesContract } from '../../../shared/contract/responses';
import type { PullSchedule } from './pull-schedule';

/** Every method of the responses contract, as the dispatcher calls them. */
export type ResponsesImpl = ImplOf<typeof responsesContract>;

/**
 * The methods of the responses contract one part implements. The contract is one service for
 * clients; in main it is several parts with one job each, merged by the composition root
 * (`main/app/app-context.ts`), so a missing or misspelt method is a type error there.
 */
export type ResponsesPart<K extends keyof ResponsesImpl> = Pick<ResponsesImpl, K>;

/**
 * The responses service as the hosts hold it: the contract's methods plus the daily pull
 * schedule, which the host that owns the data dir starts (`startPullSchedule`).
 */
export type ResponsesService = ResponsesImpl & PullSchedule;
