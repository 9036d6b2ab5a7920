import { collect, pipe, timeout, TimeoutError } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { deferred, spySource, stuckSource } from '../helpers.js';

const scope = useLeakCheck();

describeContract(
  'timeout',
  { build: () => timeout(60_000), expected: (input) => input, hasCallback: false },
  scope,
);

describe('timeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fails with a TimeoutError when an item asked for takes longer than ms, abandoning a stuck source', async () => {
    const source = stuckSource<number>();
    const run = collect(pipe(source, timeout(100))).catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(99);
    await jest.advanceTimersByTimeAsync(1);
    const error = await run;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(
      'timeout(100): the source took longer than 100 ms to deliver the first item',
    );
    expect(source.log.returned).toBe(true);
    source.release();
  });

  it('gives the first item `first` ms and the later ones `ms`', async () => {
    const gates = [deferred<void>(), deferred<void>()];
    async function* slow() {
      await gates[0]!.promise;
      yield 1;
      await gates[1]!.promise;
      yield 2;
    }
    const iterator = pipe(slow(), timeout(100, { first: 1_000 }))[Symbol.asyncIterator]();
    const first = iterator.next();
    await jest.advanceTimersByTimeAsync(900);
    gates[0]!.resolve();
    await expect(first).resolves.toEqual({ done: false, value: 1 });
    const second = iterator.next();
    const caught = second.catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(100);
    expect(await caught).toBeInstanceOf(TimeoutError);
    gates[1]!.resolve();
  });

  it('counts only while the consumer waits', async () => {
    const iterator = pipe(spySource([1, 2]), timeout(10))[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 1 });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 2 });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects bad durations at build time, naming them', () => {
    expect(() => timeout(-1)).toThrow(RangeError);
    expect(() => timeout('1' as never)).toThrow('`ms`');
    expect(() => timeout(10, { first: 2 ** 31 })).toThrow('`first`');
  });
});
