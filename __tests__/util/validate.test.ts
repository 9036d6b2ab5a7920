import {
  assertDuration,
  assertFinite,
  assertNonEmptyArray,
  assertPositiveDuration,
  assertSignal,
  MAX_DURATION,
} from '../../lib/util/validate.js';
import { useLeakCheck } from '../../lib/testing/index.js';

useLeakCheck();

describe('assertDuration', () => {
  it('accepts 0 up to the longest delay a Node timer keeps (2^31 − 1 ms)', () => {
    expect(MAX_DURATION).toBe(2_147_483_647);
    for (const ms of [0, 0.5, 1, MAX_DURATION]) expect(() => assertDuration('ms', ms)).not.toThrow();
  });

  it.each([-1, NaN, Infinity, -Infinity, MAX_DURATION + 1])(
    'refuses %p with a RangeError naming the option',
    (ms) => {
      expect(() => assertDuration('timeout', ms)).toThrow(
        new RangeError(`Expected \`timeout\` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got ${ms}`),
      );
    },
  );

  it('refuses a value that is not a number with a TypeError showing it', () => {
    expect(() => assertDuration('timeout', '5')).toThrow(
      new TypeError('Expected `timeout` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got "5"'),
    );
  });

  it('accepts Infinity only where "no timeout" is allowed, and says so', () => {
    expect(() => assertDuration('timeout', Infinity, true)).not.toThrow();
    expect(() => assertDuration('timeout', MAX_DURATION + 1, true)).toThrow(
      new RangeError(
        'Expected `timeout` to be a number of milliseconds ≥ 0 and ≤ 2147483647, or Infinity, got 2147483648',
      ),
    );
  });
});

describe('assertPositiveDuration', () => {
  it.each([0, -1, NaN, Infinity, MAX_DURATION + 1])('refuses %p with a RangeError', (ms) => {
    expect(() => assertPositiveDuration('interval', ms)).toThrow(
      new RangeError(`Expected \`interval\` to be a number of milliseconds > 0 and ≤ 2147483647, got ${ms}`),
    );
  });

  it('accepts a period up to 2^31 − 1 ms', () => {
    expect(() => assertPositiveDuration('interval', MAX_DURATION)).not.toThrow();
  });
});

describe('assertFinite', () => {
  it('refuses NaN and infinities with a RangeError, a non-number with a TypeError', () => {
    expect(() => assertFinite('start', NaN)).toThrow(
      new RangeError('Expected `start` to be a finite number, got NaN'),
    );
    expect(() => assertFinite('start', -Infinity)).toThrow(RangeError);
    expect(() => assertFinite('start', 1n)).toThrow(
      new TypeError('Expected `start` to be a finite number, got 1n'),
    );
  });

  it('applies the lower bound and allows Infinity when asked', () => {
    expect(() => assertFinite('factor', 0.5, 1)).toThrow(
      new RangeError('Expected `factor` to be a finite number ≥ 1, got 0.5'),
    );
    expect(() => assertFinite('end', Infinity, -Infinity, true)).not.toThrow();
    expect(() => assertFinite('end', NaN, -Infinity, true)).toThrow(
      new RangeError('Expected `end` to be a finite number or Infinity, got NaN'),
    );
  });
});

describe('assertNonEmptyArray', () => {
  it('refuses a non-array with a TypeError and an empty one with a RangeError', () => {
    expect(() => assertNonEmptyArray('fns', {}, 'functions')).toThrow(
      new TypeError('Expected `fns` to be an array of functions, got an object'),
    );
    expect(() => assertNonEmptyArray('fns', [], 'functions')).toThrow(
      new RangeError('Expected `fns` to be a non-empty array of functions, got an array of length 0'),
    );
  });
});

describe('assertSignal', () => {
  it('allows undefined unless the signal is required', () => {
    expect(() => assertSignal('signal', undefined)).not.toThrow();
    expect(() => assertSignal('signal', undefined, true)).toThrow(
      new TypeError('Expected `signal` to be an AbortSignal, got undefined'),
    );
  });
});
