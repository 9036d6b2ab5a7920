import { collect, pipe, tap } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';

const scope = useLeakCheck();

describeContract('tap', { build: (fn) => tap(fn), expected: (input) => input, hasCallback: true }, scope);

describe('tap', () => {
  it('calls fn with each value and index and yields the value unchanged, awaiting promises', async () => {
    const seen: string[] = [];
    const out = await collect(
      pipe(
        ['a', 'b'],
        tap(async (value, { index }) => void seen.push(`${index}${value}`)),
      ),
    );
    expect(out).toEqual(['a', 'b']);
    expect(seen).toEqual(['0a', '1b']);
  });

  it('throws a TypeError when fn is not a function', () => {
    expect(() => tap(undefined as never)).toThrow(
      new TypeError('Expected `fn` to be a function, got undefined'),
    );
  });
});
