import { activityContract } from './activity';
import { appContract } from './app';
import type { z } from 'zod';
import { channelOf, type EventOf, type ServiceSpec } from './define';
import { mailingsContract } from './mailings';
import { profilesContract } from './profiles';
import { recipientsContract } from './recipients';
import { responsesContract } from './responses';
import { sendsContract } from './sends';
import type { Result } from './result';
import { teamContract } from './team';

export * from './define';
export * from './result';

/**
 * Every service contract. The channel and event allowlists are derived from this list,
 * so the types and the run-time checks cannot drift apart.
 */
export const contracts = {
  app: appContract,
  profiles: profilesContract,
  activity: activityContract,
  recipients: recipientsContract,
  sends: sendsContract,
  mailings: mailingsContract,
  responses: responsesContract,
  team: teamContract,
} as const;

/** The record of contracts, keyed by service name. */
export type Contracts = typeof contracts;

/** What a caller sees: each method takes its input and resolves to a {@link Result}. */
export type ClientOf<S extends ServiceSpec> = {
  readonly [K in keyof S['methods']]: (input: z.input<S['methods'][K]['input']>) => Promise<Result<z.output<S['methods'][K]['output']>>>;
};

/** The typed API the renderer and tests call: `api.profiles.list({})`. */
export type Api = { readonly [K in keyof Contracts]: ClientOf<Contracts[K]> };

/** Every event channel, `service.onX`, as a type. */
export type EventChannel = { [K in keyof Contracts]: `${K}.${keyof Contracts[K]['events'] & string}` }[keyof Contracts];

/** The payload of an event channel: the output type of its schema in the contract. */
export type EventPayload<E extends EventChannel> = E extends `${infer S extends keyof Contracts}.${infer N}`
  ? N extends keyof Contracts[S]['events']
    ? EventOf<Contracts[S], N>
    : never
  : never;

function listChannels(specs: readonly ServiceSpec[]): { methods: string[]; events: string[] } {
  const methods: string[] = [];
  const events: string[] = [];
  for (const spec of specs) {
    for (const m of Object.keys(spec.methods)) methods.push(channelOf(spec.name, m));
    for (const e of Object.keys(spec.events)) events.push(channelOf(spec.name, e));
  }
  return { methods, events };
}

const channels = listChannels(Object.values(contracts));

/** Every callable channel, `service.method`. */
export const METHOD_CHANNELS: ReadonlySet<string> = new Set(channels.methods);
/** Every event channel, `service.onX`. */
export const EVENT_CHANNELS: ReadonlySet<string> = new Set(channels.events);
