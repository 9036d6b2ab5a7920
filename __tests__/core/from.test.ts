import { Readable } from 'node:stream';
import { collect, from, pipe, take } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';

useLeakCheck();

describe('from', () => {
  it('returns an async iterable as it is', () => {
    const source = (async function* () {})();
    expect(from(source)).toBe(source);
  });

  it('adapts a sync iterable and returns it when the reader stops early', async () => {
    let finalized = false;
    function* numbers() {
      try {
        yield* [1, 2, 3];
      } finally {
        finalized = true;
      }
    }
    await expect(collect(pipe(from(numbers()), take(1)))).resolves.toEqual([1]);
    expect(finalized).toBe(true);
  });

  it('reads a Node Readable and destroys it on break', async () => {
    const readable = Readable.from([1, 2, 3]);
    for await (const _ of pipe(from(readable))) break;
    expect(readable.destroyed).toBe(true);
  });

  it('reads a ReadableStream without Symbol.asyncIterator through a reader and cancels it on break', async () => {
    let cancelled = false;
    const stream = new ReadableStream<number>({
      pull(controller) {
        controller.enqueue(1);
      },
      cancel() {
        cancelled = true;
      },
    });
    const bare = { getReader: () => stream.getReader() } as unknown as ReadableStream<number>;
    await expect(collect(pipe(from(bare), take(2)))).resolves.toEqual([1, 1]);
    expect(cancelled).toBe(true);
  });

  it('passes a sync iterator error through', async () => {
    const error = new Error('sync source failed');
    function* failing() {
      yield 1;
      throw error;
    }
    await expect(collect(from(failing()))).rejects.toBe(error);
  });

  it.each([
    [42, '42'],
    [null, 'null'],
    [undefined, 'undefined'],
    ['text', '"text"'],
    [{ a: 1 }, 'an object'],
    [Promise.resolve(1), 'an instance of Promise'],
  ])('throws a TypeError naming %p', (value, shown) => {
    expect(() => from(value as never)).toThrow(
      new TypeError(
        `Expected a source (AsyncIterable, Iterable, ReadableStream or Node Readable), got ${shown}`,
      ),
    );
  });
});
