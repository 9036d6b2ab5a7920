import { EventEmitter, getEventListeners } from 'node:events';
import { collect, fromEvents, OverflowError, pipe, take } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, settleAll, ticks, withinTurns } from '../helpers.js';
import { describeSourceContract } from './source-contract.js';

const scope = useLeakCheck();

const listeners = (emitter: EventEmitter): number =>
  emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0);

/** An emitter that emits `values` as 'data' and then 'end', once something listens to 'data'. */
function emitting(values: number[]): { emitter: EventEmitter; listened: () => boolean } {
  const emitter = new EventEmitter();
  let listened = false;
  emitter.on('newListener', (name: string) => {
    if (name !== 'data' || listened) return;
    listened = true;
    queueMicrotask(() => {
      for (const value of values) emitter.emit('data', value);
      emitter.emit('end');
    });
  });
  return { emitter, listened: () => listened };
}

describeSourceContract(
  'fromEvents (EventEmitter)',
  {
    make: () => {
      const { emitter, listened } = emitting([0, 1, 2, 3, 4]);
      return {
        source: fromEvents<number>(emitter, 'data', { endOn: 'end' }),
        touched: listened,
        dispose: () => expect(emitter.listenerCount('data')).toBe(0),
      };
    },
    first: [0, 1, 2],
    all: [0, 1, 2, 3, 4],
    pending: () => {
      const emitter = new EventEmitter();
      return {
        source: fromEvents<number>(emitter, 'data'),
        touched: () => listeners(emitter) > 0,
        dispose: () => expect(listeners(emitter)).toBe(0),
      };
    },
  },
  scope,
);

describeSourceContract(
  'fromEvents (EventTarget)',
  {
    make: () => {
      const target = new EventTarget();
      let listened = false;
      const source = fromEvents<Event>(target, 'tick', { endOn: 'done' });
      return {
        source: pipe(source, async function* (events) {
          listened = true;
          queueMicrotask(() => {
            for (let i = 0; i < 5; i++) target.dispatchEvent(new MessageEvent('tick', { data: i }));
            target.dispatchEvent(new Event('done'));
          });
          for await (const event of events) yield (event as MessageEvent).data as number;
        }),
        touched: () => listened,
        dispose: () => {
          expect(getEventListeners(target, 'tick')).toHaveLength(0);
          expect(getEventListeners(target, 'done')).toHaveLength(0);
        },
      };
    },
    first: [0, 1, 2],
    all: [0, 1, 2, 3, 4],
    pending: () => {
      const target = new EventTarget();
      return {
        source: fromEvents(target, 'tick'),
        touched: () => getEventListeners(target, 'tick').length > 0,
        dispose: () => expect(getEventListeners(target, 'tick')).toHaveLength(0),
      };
    },
  },
  scope,
);

describe('fromEvents', () => {
  it('fails with an OverflowError after the queued values when more than `capacity` wait', async () => {
    const emitter = new EventEmitter();
    const iterator = fromEvents<number>(emitter, 'data', { capacity: 2 })[Symbol.asyncIterator]();
    const first = iterator.next();
    emitter.emit('data', 0);
    await expect(first).resolves.toEqual({ done: false, value: 0 });
    for (const n of [1, 2, 3]) emitter.emit('data', n);
    expect(listeners(emitter)).toBe(0); // it stopped listening at the overflow
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 2 });
    const error = await iterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverflowError);
    expect(error).toMatchObject({ name: 'OverflowError', capacity: 2 });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it.each([
    ['drop-newest', [0, 1], [2, 3]],
    ['drop-oldest', [2, 3], [0, 1]],
  ] as const)('with overflow %p keeps %p and reports %p to onDrop', async (overflow, kept, dropped) => {
    const emitter = new EventEmitter();
    const drops: number[] = [];
    const source = fromEvents<number>(emitter, 'data', {
      capacity: 2,
      overflow,
      endOn: 'end',
      onDrop: (v) => drops.push(v),
    });
    const iterator = source[Symbol.asyncIterator]();
    const first = iterator.next();
    emitter.emit('data', -1);
    await first;
    for (const n of [0, 1, 2, 3]) emitter.emit('data', n);
    emitter.emit('end');
    expect(await collect({ [Symbol.asyncIterator]: () => iterator })).toEqual(kept);
    expect(drops).toEqual(dropped);
    expect(listeners(emitter)).toBe(0);
  });

  it('keeps the latest value with drop-oldest and capacity 1 (conflate)', async () => {
    const emitter = new EventEmitter();
    const iterator = fromEvents<number>(emitter, 'data', { capacity: 1, overflow: 'drop-oldest' })[
      Symbol.asyncIterator
    ]();
    const first = iterator.next();
    emitter.emit('data', 0);
    await first;
    for (const n of [1, 2, 3]) emitter.emit('data', n);
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 3 });
    await iterator.return!();
    expect(listeners(emitter)).toBe(0);
  });

  it("fails with an emitter's 'error' event after the queued values, and with a throwing onDrop", async () => {
    const emitter = new EventEmitter();
    const error = new Error('boom');
    const iterator = fromEvents<number>(emitter, 'data')[Symbol.asyncIterator]();
    const first = iterator.next();
    emitter.emit('data', 1);
    await first;
    emitter.emit('data', 2);
    emitter.emit('error', error);
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 2 });
    await expect(iterator.next()).rejects.toBe(error);
    expect(listeners(emitter)).toBe(0);

    const thrown = new Error('onDrop failed');
    const other = new EventEmitter();
    const failing = fromEvents<number>(other, 'data', {
      capacity: 1,
      overflow: 'drop-newest',
      onDrop: () => {
        throw thrown;
      },
    });
    const it2 = failing[Symbol.asyncIterator]();
    const p = it2.next();
    other.emit('data', 0);
    await p;
    other.emit('data', 1);
    expect(() => other.emit('data', 2)).not.toThrow();
    await expect(it2.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(it2.next()).rejects.toBe(thrown);
    expect(listeners(other)).toBe(0);
  });

  it('fails on a named errorOn event of an EventTarget', async () => {
    const target = new EventTarget();
    const iterator = fromEvents(target, 'message', { errorOn: 'failure' })[Symbol.asyncIterator]();
    const pending = iterator.next();
    const event = new Event('failure');
    target.dispatchEvent(event);
    await expect(pending).rejects.toBe(event);
    expect(getEventListeners(target, 'message')).toHaveLength(0);
    expect(getEventListeners(target, 'failure')).toHaveLength(0);
  });

  it("fails with an error event's own error when it carries one (ErrorEvent)", async () => {
    const target = new EventTarget();
    const error = new Error('socket failed');
    const iterator = fromEvents(target, 'message', { errorOn: 'error' })[Symbol.asyncIterator]();
    const pending = iterator.next();
    target.dispatchEvent(Object.assign(new Event('error'), { error }));
    await expect(pending).rejects.toBe(error);
  });

  it('stops on its own signal option and leaves no listener, inside a pipeline too', async () => {
    const emitter = new EventEmitter();
    const controller = new AbortController();
    const reason = new Error('stop');
    const pipeline = pipe(fromEvents<number>(emitter, 'data', { signal: controller.signal }), take(10));
    const outcome = settleAll(pipeline);
    await ticks(5);
    emitter.emit('data', 1);
    await ticks(5);
    controller.abort(reason);
    await expect(withinTurns(outcome)).resolves.toEqual({ values: [1], error: reason });
    expect(listeners(emitter)).toBe(0);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('rejects at once for an already-aborted signal option, adding no listener', async () => {
    const emitter = new EventEmitter();
    const reason = new Error('already');
    const pipeline = pipe(fromEvents(emitter, 'data', { signal: AbortSignal.abort(reason) }), take(1));
    await expect(collect(pipeline)).rejects.toBe(reason);
    expect(listeners(emitter)).toBe(0);
  });

  it('listens afresh for each iteration', async () => {
    const { emitter } = emitting([1, 2]);
    const source = fromEvents<number>(emitter, 'data', { endOn: 'end' });
    await expect(collect(source)).resolves.toEqual([1, 2]);
    expect(listeners(emitter)).toBe(1); // the test's own newListener hook
  });

  it.each([
    [
      'a target that is neither',
      () => fromEvents({} as never, 'x'),
      new TypeError('Expected `target` to be an EventEmitter or an EventTarget, got an object'),
    ],
    [
      'a bad name',
      () => fromEvents(new EventEmitter(), 3 as never),
      new TypeError('Expected `name` to be an event name, got 3'),
    ],
    [
      'capacity 0',
      () => fromEvents(new EventEmitter(), 'x', { capacity: 0 }),
      new RangeError('Expected `capacity` to be an integer ≥ 1, got 0'),
    ],
    [
      'an unknown overflow',
      () => fromEvents(new EventEmitter(), 'x', { overflow: 'block' as never }),
      new TypeError('Expected `overflow` to be one of "error", "drop-newest", "drop-oldest", got "block"'),
    ],
    [
      'a bad onDrop',
      () => fromEvents(new EventEmitter(), 'x', { onDrop: 1 as never }),
      new TypeError('Expected `onDrop` to be a function, got 1'),
    ],
    [
      'a bad endOn',
      () => fromEvents(new EventEmitter(), 'x', { endOn: 1 as never }),
      new TypeError('Expected `endOn` to be an event name, got 1'),
    ],
    [
      'a bad signal',
      () => fromEvents(new EventEmitter(), 'x', { signal: 1 as never }),
      new TypeError('Expected `signal` to be an AbortSignal, got 1'),
    ],
  ])('throws for %s when built', (_what, build, error) => {
    expect(build).toThrow(error);
  });
});
