import { dumpOnSignal, dumpPipelines, livePipelines } from '../../lib/inspect/index.js';
import { filter, map, Meter, named, parallelMap, pipe, range, take } from '../../lib/index.js';
import { settle, useLeakCheck } from '../../lib/testing/index.js';

useLeakCheck();

/** A source whose `next()` never answers until its `return()` is called. */
function stuckSource(): AsyncIterable<number> {
  return {
    [Symbol.asyncIterator]() {
      let release: ((result: IteratorResult<number>) => void) | undefined;
      return {
        next: () => new Promise<IteratorResult<number>>((resolve) => (release = resolve)),
        return: async () => {
          release?.({ done: true, value: undefined });
          return { done: true, value: undefined };
        },
      };
    },
  };
}

describe('livePipelines and dumpPipelines', () => {
  it('show a pipeline stuck on a source next(), that stage waiting-upstream', async () => {
    const iterator = pipe(
      stuckSource(),
      named(
        'parse',
        map((n: number) => n),
      ),
    )[Symbol.asyncIterator]();
    const pending = iterator.next();
    await settle();
    const [pipeline, ...others] = livePipelines();
    expect(others).toEqual([]);
    expect(pipeline!.stages).toEqual([
      expect.objectContaining({ name: 'source', position: 0, state: 'waiting-upstream', pendingNext: true }),
      expect.objectContaining({ name: 'parse', position: 1, state: 'waiting-upstream', pendingNext: false }),
    ]);
    const dump = dumpPipelines();
    expect(dump).toContain('sluice: 1 pipeline open');
    expect(dump).toContain('source at position 0: waiting-upstream (a next() on the source is pending)');
    expect(dump).toContain('parse at position 1: waiting-upstream');
    await iterator.return!();
    await pending;
    expect(livePipelines()).toEqual([]);
    expect(dumpPipelines()).toBe('sluice: 0 pipelines open');
  });

  it('shows the item a callback works on, and the calls in flight of an engine', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const iterator = pipe(
      range(0, 10),
      map(async (n: number) => (n === 2 ? gate.then(() => n) : n)),
      parallelMap(async (n: number) => n, { concurrency: 2 }),
    )[Symbol.asyncIterator]();
    const first = iterator.next();
    await settle();
    const { stages } = livePipelines()[0]!;
    expect(stages[1]).toMatchObject({ name: 'map', state: 'busy', inFlightIndex: 2, inFlight: 1 });
    expect(stages[2]).toMatchObject({ name: 'parallelMap', state: 'waiting-upstream' });
    expect(dumpPipelines()).toContain('map at position 1: busy (working on item 2)');
    release();
    await first;
    await iterator.return!();
  });

  it('names every fused stage of a pipeline that is one segment, with its position and state', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const iterator = pipe(
      range(0, 10),
      filter((n: number) => n > 0),
      named(
        'wait',
        map(async (n: number) => (n === 3 ? gate.then(() => n) : n)),
      ),
      take(5),
    )[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const pending = iterator.next();
    await settle();
    const { stages } = livePipelines()[0]!;
    expect(stages.map(({ name, position, state }) => [name, position, state])).toEqual([
      ['source', 0, 'waiting-downstream'],
      ['filter', 1, 'waiting-downstream'],
      ['wait', 2, 'busy'],
      ['take', 3, 'waiting-upstream'],
    ]);
    expect(stages[2]).toMatchObject({ inFlightIndex: 2, inFlight: 1 });
    release();
    await expect(pending).resolves.toEqual({ done: false, value: 3 });
    await iterator.return!();
    expect(livePipelines()).toEqual([]);
  });
  it('tells how long each stage has been in its state and where it was built, with captureStacks', async () => {
    const iterator = pipe(
      stuckSource(),
      map((n: number) => n),
      { captureStacks: true },
    )[Symbol.asyncIterator]();
    const pending = iterator.next();
    await settle();
    const [pipeline] = livePipelines();
    expect(pipeline!.builtAt).toMatch(/__tests__[\\/]inspect[\\/]dump\.test\.ts:\d+:\d+$/);
    expect(pipeline!.metered).toBe(true);
    expect(pipeline!.stages[0]!.stateMs).toEqual(expect.any(Number));
    expect(dumpPipelines()).toMatch(/built at __tests__[\\/]inspect[\\/]dump\.test\.ts:\d+/);
    expect(dumpPipelines()).toMatch(/source at position 0: waiting-upstream for \d+ ms/);
    await iterator.return!();
    await pending;
  });

  it('captures where the pipeline was built with SLUICE_TRACE=1 (read when sluice is loaded)', async () => {
    process.env.SLUICE_TRACE = '1';
    let fresh!: typeof import('../../lib/index.js');
    try {
      jest.isolateModules(() => {
        fresh = require('../../lib/index.js'); // eslint-disable-line @typescript-eslint/no-require-imports -- a fresh load reads SLUICE_TRACE
      });
    } finally {
      delete process.env.SLUICE_TRACE;
    }
    const { pipe: freshPipe, map: freshMap } = fresh;
    const built = freshPipe(
      stuckSource(),
      freshMap((n: number) => n),
    );
    const iterator = built[Symbol.asyncIterator]();
    const pending = iterator.next();
    await settle();
    expect(livePipelines()[0]!.builtAt).toMatch(/dump\.test\.ts:\d+:\d+$/);
    await iterator.return!();
    await pending;
  });

  it('gives exact times in state for a metered pipeline', async () => {
    const iterator = pipe(
      stuckSource(),
      map((n: number) => n),
      { meter: new Meter() },
    )[Symbol.asyncIterator]();
    const pending = iterator.next();
    await settle();
    expect(livePipelines()[0]!.stages.map((s) => typeof s.stateMs)).toEqual(['number', 'number']);
    await iterator.return!();
    await pending;
  });
});

describe('dumpOnSignal', () => {
  it('prints the dump on the signal, and its disposer removes the listener', async () => {
    const before = process.listenerCount('SIGUSR2');
    const written: string[] = [];
    const stop = dumpOnSignal('SIGUSR2', { output: { write: (text: string) => written.push(text) } });
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    const iterator = pipe(
      stuckSource(),
      map((n: number) => n),
    )[Symbol.asyncIterator]();
    const pending = iterator.next();
    await settle();
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('source at position 0: waiting-upstream');
    stop();
    stop();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
    await iterator.return!();
    await pending;
  });

  it('rejects what is not a signal name or not an output', () => {
    expect(() => dumpOnSignal('USR2' as NodeJS.Signals)).toThrow(
      new TypeError(`Expected \`signal\` to be a signal name such as 'SIGUSR2', got "USR2"`),
    );
    expect(() => dumpOnSignal('SIGUSR2', { output: {} as never })).toThrow(TypeError);
  });
});
