import { z } from 'zod';

/**
 * One method of a service: the schema of its single object argument and of its value.
 * The output schema documents the shape and lets tests check what services return.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** One line for the operator-facing docs and the CLI help. */
  readonly summary: string;
}

/** A service contract: its name, its methods and the events it emits (`onX`). */
export interface ServiceSpec<
  N extends string = string,
  M extends Record<string, MethodSpec> = Record<string, MethodSpec>,
  E extends Record<string, z.ZodType> = Record<string, z.ZodType>,
> {
  readonly name: N;
  readonly methods: M;
  readonly events: E;
}

/** Declares a method; keeps the literal types for inference. */
export function method<I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): MethodSpec<I, O> {
  return { summary, input, output };
}

/** Declares a service contract. Event names must start with `on`. */
export function service<N extends string, M extends Record<string, MethodSpec>, E extends Record<string, z.ZodType> = Record<never, never>>(
  name: N,
  methods: M,
  events?: E,
): ServiceSpec<N, M, E> {
  for (const event of Object.keys(events ?? {})) {
    if (!/^on[A-Z]/.test(event)) throw new Error(`event ${name}.${event} must be named onX`);
  }
  return { name, methods, events: (events ?? {}) as E };
}

/**
 * What a service implements: each method takes the parsed input and returns the value,
 * throwing {@link AppError} for expected failures (the dispatcher turns it into a result).
 */
export type ImplOf<S extends ServiceSpec> = {
  readonly [K in keyof S['methods']]: (input: z.output<S['methods'][K]['input']>) => Promise<z.input<S['methods'][K]['output']>>;
};

/** Payload type of an event of a service. */
export type EventOf<S extends ServiceSpec, K extends keyof S['events']> = z.output<S['events'][K]>;

/** Channel name of a method: `service.method`. */
export function channelOf(serviceName: string, methodName: string): string {
  return `${serviceName}.${methodName}`;
}
