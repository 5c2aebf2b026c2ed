import { z } from 'zod';
import {
  AppError,
  contracts,
  EVENT_CHANNELS,
  fail,
  isAppError,
  METHOD_CHANNELS,
  ok,
  type AppErrorInfo,
  type Contracts,
  type ImplOf,
  type Result,
} from '../../shared/contract';
import type { CatalogText } from '../../shared/contract/catalog-text';
import { errorDetailsProblems } from '../../shared/contract/error-details';
import { EN_MESSAGES } from '../../shared/i18n/messages';
import { appIntl } from '../../shared/i18n/intl';
import { issueLines } from '../../shared/i18n/error-text';

/** The implementations of every contract, keyed like {@link contracts}. */
export type Services = { readonly [K in keyof Contracts]: ImplOf<Contracts[K]> };

/** Who is calling: the transport vouches for it after its own sender check. */
export interface CallContext {
  readonly transport: 'electron' | 'websocket' | 'memory' | 'cli';
}

/** Logs bugs (non-AppError exceptions) with context; the renderer shows a generic message. */
export type BugReporter = (channel: string, error: unknown) => void;

/**
 * The one place every call passes: checks the channel against the allowlist derived
 * from the contract, validates the payload with its zod schema, calls the service and
 * turns expected failures into result values. Both transports use it.
 */
export class Dispatcher {
  constructor(
    private readonly services: Services,
    private readonly reportBug: BugReporter = (channel, e) => console.error(`[loopdesk] ${channel} failed:`, e),
    /**
     * Checks every error's details against its code's schema and reports a mismatch as a bug
     * (the error still goes out as it is). On everywhere but in production: it costs one small
     * parse per failed call, and a mismatch means a client cannot build its message.
     */
    private readonly checkErrorDetails = process.env.NODE_ENV !== 'production',
  ) {}

  /** True when `channel` is a known event channel. */
  isEventChannel(channel: unknown): channel is string {
    return typeof channel === 'string' && EVENT_CHANNELS.has(channel);
  }

  /** Handles one call. Never throws. */
  async handle(channel: unknown, payload: unknown, _ctx: CallContext): Promise<Result<unknown>> {
    if (typeof channel !== 'string' || !METHOD_CHANNELS.has(channel)) {
      return fail('UNKNOWN_CHANNEL', 'error.host.unknownChannel', { channel: JSON.stringify(String(channel)).slice(0, 80) });
    }
    const dot = channel.indexOf('.');
    const serviceName = channel.slice(0, dot) as keyof Contracts;
    const methodName = channel.slice(dot + 1);
    const spec = (contracts[serviceName].methods as Record<string, { input: z.ZodType }>)[methodName];
    const parsed = spec.input.safeParse(payload ?? {});
    if (!parsed.success) {
      const details = { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message, text: issueText(i) })) };
      // Each field with what is wrong with it, from the issue's catalog text (zod's own English
      // texts stay in the details, for developers); clients word the issues in their language.
      return parsed.error.issues.some((i) => i.path.length > 0)
        ? fail('INVALID_INPUT', 'error.host.invalidFieldIssues', { channel, issues: issueLines(appIntl('en'), details.issues) }, details)
        : fail('INVALID_INPUT', 'error.host.invalidInput', { channel }, details);
    }
    const impl = (this.services[serviceName] as unknown as Record<string, (input: unknown) => Promise<unknown>>)[methodName];
    if (typeof impl !== 'function') return fail('NOT_IMPLEMENTED', 'error.host.notImplemented', { channel });
    try {
      return ok(await impl.call(this.services[serviceName], parsed.data));
    } catch (e) {
      if (isAppError(e)) {
        const error: AppErrorInfo = (e as AppError).toInfo?.() ?? { code: e.code, message: e.message };
        const problems = this.checkErrorDetails ? errorDetailsProblems(error) : [];
        if (problems.length > 0) this.reportBug(channel, new Error(`${error.code} details do not match their schema (shared/contract/error-details.ts): ${problems.join('; ')}`));
        return { ok: false, error };
      }
      this.reportBug(channel, e);
      const reason = e instanceof Error ? e.message : String(e);
      return fail('INTERNAL', 'error.host.unexpected', { channel, reason });
    }
  }
}

/**
 * What is wrong with one field, as a catalog key and values: a check of ours (products file
 * name, response file names, timestamp format) hands its own sentence in `params.text`; zod's
 * built-in checks map by kind (zod's texts are English only).
 */
export function issueText(issue: z.core.$ZodIssue): CatalogText {
  const own = issue.code === 'custom' ? (issue.params as { text?: CatalogText } | undefined)?.text : undefined;
  if (own && own.id in EN_MESSAGES) return { id: own.id, values: own.values ?? {} };
  switch (issue.code) {
    case 'too_small':
      return Number(issue.minimum) === 1 && issue.origin === 'string' ? { id: 'error.host.issue.empty', values: {} } : { id: 'error.host.issue.tooSmall', values: { minimum: Number(issue.minimum) } };
    case 'too_big':
      return { id: 'error.host.issue.tooBig', values: { maximum: Number(issue.maximum) } };
    case 'invalid_value':
      return { id: 'error.host.issue.choice', values: { choices: issue.values.map(String).join(', ') } };
    case 'invalid_type':
      return { id: 'error.host.issue.type', values: {} };
    default:
      return { id: 'error.host.issue.invalid', values: {} };
  }
}
