import { Readable } from 'node:stream';
import { collect, forEach, from, pipe, take, tap } from '../../lib/index.js';
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

describe('an array source, read by index as its own iterator reads it', () => {
  async function forAwait<T>(source: Iterable<T>, onValue: (value: T) => void = () => {}): Promise<T[]> {
    const seen: T[] = [];
    for await (const value of source) {
      onValue(value);
      seen.push(value);
    }
    return seen;
  }

  it('sees values pushed during the iteration, and stops at a length shortened meanwhile', async () => {
    const grow = (array: number[]) => (v: number) => void (v < 3 && array.push(v + 10));
    const a = [0, 1, 2];
    const b = [0, 1, 2];
    expect(await collect(pipe(a, tap(grow(a))))).toEqual(await forAwait(b, grow(b)));
    expect(a).toEqual([0, 1, 2, 10, 11, 12]);

    const shrink = (array: number[]) => (v: number) => void (v === 1 && (array.length = 2));
    const c = [0, 1, 2, 3];
    const d = [0, 1, 2, 3];
    await expect(collect(pipe(c, tap(shrink(c))))).resolves.toEqual(await forAwait(d, shrink(d)));
    expect(await collect(pipe(c))).toEqual([0, 1]);
  });

  it('yields a hole as undefined', async () => {
    // eslint-disable-next-line no-sparse-arrays
    await expect(collect(pipe([1, , 3]))).resolves.toEqual([1, undefined, 3]);
  });

  it('honours an iterator the array was given in place of its own', async () => {
    const array = [1, 2, 3];
    Object.defineProperty(array, Symbol.iterator, {
      value: function* () {
        yield 'own';
      },
    });
    await expect(collect(pipe(array as unknown as string[]))).resolves.toEqual(['own']);
  });

  it("honours a replaced array iterator's next()", async () => {
    const prototype = Object.getPrototypeOf([][Symbol.iterator]()) as { next: () => IteratorResult<unknown> };
    const original = prototype.next;
    prototype.next = function (this: Iterator<unknown>) {
      const result = original.call(this);
      return result.done ? result : { done: false, value: `seen ${String(result.value)}` };
    };
    let seen: unknown;
    try {
      seen = await collect(pipe([1, 2])); // nothing else runs meanwhile: jest iterates arrays too
    } finally {
      prototype.next = original;
    }
    expect(seen).toEqual(['seen 1', 'seen 2']);
  });

  it('fails with what an index getter throws, after the values before it', async () => {
    const error = new Error('getter failed');
    const array = [1, 2, 3];
    Object.defineProperty(array, 1, {
      get() {
        throw error;
      },
    });
    const seen: number[] = [];
    await expect(forEach(pipe(array), (v) => void seen.push(v))).rejects.toBe(error);
    expect(seen).toEqual([1]);
  });
});
