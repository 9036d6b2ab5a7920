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

/** A finite number of milliseconds ≥ 0 (timeouts, intervals, delays). */
export function assertDuration(name: string, value: unknown): asserts value is number {
  const expectation = 'a finite number of milliseconds ≥ 0';
  assertNumber(name, value, expectation);
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`Expected \`${name}\` to be ${expectation}, got ${describe(value)}`);
}

/** A finite number of milliseconds > 0 (periods that must advance: heartbeats). */
export function assertPositiveDuration(name: string, value: unknown): asserts value is number {
  const expectation = 'a finite number of milliseconds > 0';
  assertNumber(name, value, expectation);
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`Expected \`${name}\` to be ${expectation}, got ${describe(value)}`);
}

export function assertBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`Expected \`${name}\` to be a boolean, got ${describe(value)}`);
}

export function assertSignal(name: string, value: unknown): asserts value is AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) {
    throw new TypeError(`Expected \`${name}\` to be an AbortSignal, got ${describe(value)}`);
  }
}

export function assertOptions(name: string, value: unknown): asserts value is object | undefined {
  if (value !== undefined && (value === null || typeof value !== 'object')) {
    throw new TypeError(`Expected \`${name}\` to be an options object, got ${describe(value)}`);
  }
}
