/** Build-time argument checks whose messages name the argument and show the value given. */

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return value.name ? `function ${value.name}` : 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `an instance of ${name}` : 'an object';
}

export function assertFunction(name: string, value: unknown): asserts value is (...args: any[]) => unknown {
  if (typeof value !== 'function')
    throw new TypeError(`Expected \`${name}\` to be a function, got ${describe(value)}`);
}

function assertNumber(name: string, value: unknown, expectation: string): asserts value is number {
  if (typeof value !== 'number')
    throw new TypeError(`Expected \`${name}\` to be ${expectation}, got ${describe(value)}`);
}

/** An integer ≥ min, or Infinity when `infinite` is allowed (the shape of `concurrency`). */
export function assertCount(
  name: string,
  value: unknown,
  min: number,
  infinite = false,
): asserts value is number {
  const expectation = `an integer ≥ ${min}${infinite ? ' or Infinity' : ''}`;
  assertNumber(name, value, expectation);
  const ok = Number.isInteger(value) ? value >= min : infinite && value === Infinity;
  if (!ok) throw new RangeError(`Expected \`${name}\` to be ${expectation}, got ${describe(value)}`);
}

/**
 * The longest delay a Node timer keeps: `setTimeout` fires a longer one after 1 ms (with a
 * warning), so a duration above it would silently mean "now".
 */
export const MAX_DURATION = 2 ** 31 - 1;

/**
 * A number of milliseconds ≥ 0 that fits a Node timer (timeouts, intervals, delays), or Infinity
 * when `infinite` is allowed (an option documented as "no timeout").
 */
export function assertDuration(name: string, value: unknown, infinite = false): asserts value is number {
  const expectation = `a number of milliseconds ≥ 0 and ≤ ${MAX_DURATION}${infinite ? ', or Infinity' : ''}`;
  assertNumber(name, value, expectation);
  const ok = (value >= 0 && value <= MAX_DURATION) || (infinite && value === Infinity);
  if (!ok) throw new RangeError(`Expected \`${name}\` to be ${expectation}, got ${describe(value)}`);
}

/** A number of milliseconds > 0 that fits a Node timer (periods that must advance: heartbeats). */
export function assertPositiveDuration(name: string, value: unknown): asserts value is number {
  const expectation = `a number of milliseconds > 0 and ≤ ${MAX_DURATION}`;
  assertNumber(name, value, expectation);
  if (!(value > 0 && value <= MAX_DURATION))
    throw new RangeError(`Expected \`${name}\` to be ${expectation}, got ${describe(value)}`);
}

/**
 * A finite number ≥ `min` (any finite number by default), or Infinity when `infinite` is allowed.
 * NaN and the other infinities are out of range: a `RangeError`, like every number that does not fit.
 */
export function assertFinite(
  name: string,
  value: unknown,
  min = -Infinity,
  infinite = false,
): asserts value is number {
  const bound = min === -Infinity ? '' : ` ≥ ${min}`;
  const expectation = `a finite number${bound}${infinite ? ' or Infinity' : ''}`;
  assertNumber(name, value, expectation);
  const ok = Number.isFinite(value) ? value >= min : infinite && value === Infinity;
  if (!ok) throw new RangeError(`Expected \`${name}\` to be ${expectation}, got ${describe(value)}`);
}

/** A non-empty array; `what` says what it holds ("functions"). Its items are checked by the caller. */
export function assertNonEmptyArray(name: string, value: unknown, what: string): asserts value is unknown[] {
  if (!Array.isArray(value))
    throw new TypeError(`Expected \`${name}\` to be an array of ${what}, got ${describe(value)}`);
  if (value.length === 0)
    throw new RangeError(`Expected \`${name}\` to be a non-empty array of ${what}, got ${describe(value)}`);
}

export function assertBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`Expected \`${name}\` to be a boolean, got ${describe(value)}`);
}

/** An AbortSignal, or `undefined` unless `required`. */
export function assertSignal(
  name: string,
  value: unknown,
  required = false,
): asserts value is AbortSignal | undefined {
  if ((required || value !== undefined) && !(value instanceof AbortSignal)) {
    throw new TypeError(`Expected \`${name}\` to be an AbortSignal, got ${describe(value)}`);
  }
}

export function assertOptions(name: string, value: unknown): asserts value is object | undefined {
  if (value !== undefined && (value === null || typeof value !== 'object')) {
    throw new TypeError(`Expected \`${name}\` to be an options object, got ${describe(value)}`);
  }
}

/** The `signal` of an optional `{ signal }` argument, checked. */
export function signalOption(
  options: { signal?: AbortSignal | undefined } | undefined,
): AbortSignal | undefined {
  if (options === undefined) return undefined;
  assertOptions('options', options);
  const { signal } = options;
  assertSignal('signal', signal);
  return signal;
}

/** One of a few strings (a policy): a `TypeError` for anything else, naming the choices. */
export function assertOneOf<C extends string>(
  name: string,
  value: unknown,
  choices: readonly C[],
): asserts value is C {
  if (!choices.includes(value as C))
    throw new TypeError(
      `Expected \`${name}\` to be one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${describe(value)}`,
    );
}
