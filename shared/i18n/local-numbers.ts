import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/**
 * Argument names whose numbers are identifiers or positions (a mailing ID, a send, a wave, a
 * source mailing, a port, a PID, a schema version, an exit code, line/row/record numbers an
 * operator looks up in a file) and the bounds of a value the operator types (`{min}`/`{max}`:
 * "a whole number from 1 to 65535", as typed into the box, and a port's bound is a port): they
 * are shown exactly as written, never grouped (`1234567`, not `1.234.567`). Any name ending in
 * `Id` counts too. A new identifier argument gets its name here.
 */
export const VERBATIM_NUMBER_ARGUMENTS: ReadonlySet<string> = new Set([
  'id',
  'mailing',
  'send',
  'source',
  'wave',
  'pid',
  'port',
  'year',
  'code',
  'version',
  'overwritten',
  'latest',
  'line',
  'row',
  'record',
  'start',
  'end',
  'min',
  'max',
  'minimum',
  'maximum',
]);

/** True for an argument whose number is an identifier or position (see {@link VERBATIM_NUMBER_ARGUMENTS}). */
export function isVerbatimNumberArgument(name: string): boolean {
  return VERBATIM_NUMBER_ARGUMENTS.has(name) || /Id$/.test(name);
}

type Message = string | MessageFormatElement[];

const cache = new Map<Message, ReadonlySet<string>>();

/** Names that a message uses only as simple arguments (`{seconds}`), never as `{x, number}`, plural or select. */
function simpleOnlyArguments(message: Message): ReadonlySet<string> {
  let names = cache.get(message);
  if (names) return names;
  const simple = new Set<string>();
  const other = new Set<string>();
  const walk = (elements: MessageFormatElement[]): void => {
    for (const el of elements) {
      if (el.type === TYPE.argument) simple.add(el.value);
      else if (el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) other.add(el.value);
      else if (el.type === TYPE.plural || el.type === TYPE.select) {
        other.add(el.value);
        for (const option of Object.values(el.options)) walk(option.value);
      } else if (el.type === TYPE.tag) walk(el.children);
    }
  };
  try {
    walk(typeof message === 'string' ? parse(message) : message);
  } catch {
    // A broken message is reported by FormatJS itself when it is formatted; nothing to adjust here.
  }
  names = new Set([...simple].filter((name) => !other.has(name) && !isVerbatimNumberArgument(name)));
  cache.set(message, names);
  return names;
}

/** The minimal `intl` this module needs (FormatJS's and react-intl's both fit). */
interface NumberIntl {
  readonly messages: Record<string, Message>;
  formatNumber(value: number): string;
}

/**
 * The values of one message with every number that reaches a simple argument (`{seconds}`)
 * formatted for the locale (`1,47` in German), as `{seconds, number}` would: FormatJS itself
 * writes such a number with `String(value)`, the English way, whatever the language.
 * Identifiers ({@link isVerbatimNumberArgument}) and numbers used by plural, select or
 * `{x, number}` are left alone.
 */
export function localNumberValues<V>(intl: NumberIntl, descriptor: { id?: string | number; defaultMessage?: Message }, values: Record<string, V> | undefined): Record<string, V> | undefined {
  if (!values) return values;
  const message = (descriptor.id !== undefined ? intl.messages[String(descriptor.id)] : undefined) ?? descriptor.defaultMessage;
  if (message === undefined) return values;
  const names = simpleOnlyArguments(message);
  let out: Record<string, V> | undefined;
  for (const name of names) {
    const value = values[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    out ??= { ...values };
    out[name] = intl.formatNumber(value) as V;
  }
  return out ?? values;
}

/**
 * Makes `intl.formatMessage` (and its alias `$t`) format numbers in simple arguments for the
 * locale. Every `intl` of the app goes through this once: `appIntl` (main, CLI) and the
 * renderer's language provider, so no message needs `{x, number}` for a plain number.
 */
export function withLocalNumbers<T extends NumberIntl & { formatMessage: (...args: never[]) => unknown; $t?: unknown }>(intl: T): T {
  const original = intl.formatMessage as (descriptor: { id?: string | number; defaultMessage?: Message }, values?: Record<string, unknown>, ...rest: unknown[]) => unknown;
  const formatMessage = (descriptor: { id?: string | number; defaultMessage?: Message }, values?: Record<string, unknown>, ...rest: unknown[]) => original(descriptor, localNumberValues(intl, descriptor, values), ...rest);
  return Object.assign(intl, { formatMessage, $t: formatMessage }) as T;
}
