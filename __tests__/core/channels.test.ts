import { listen } from '../helpers.js';
import { collect, drain, map, named, parallelMap, pipe, range, supervise } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';

useLeakCheck();

let open: ReturnType<typeof listen>;
let close: ReturnType<typeof listen>;
beforeEach(() => {
  open = listen('sluice:pipeline:open');
  close = listen('sluice:pipeline:close');
});
afterEach(() => {
  open.stop();
  close.stop();
});

describe('sluice:pipeline:open and sluice:pipeline:close', () => {
  it('publishes open with the stages, and close with outcome done', async () => {
    await drain(
      pipe(
        range(0, 3),
        named(
          'double',
          map((n: number) => n * 2),
        ),
      ),
    );
    expect(open.messages).toHaveLength(1);
    expect(open.messages[0].stages).toEqual([
      { name: 'source', position: 0 },
      { name: 'double', position: 1 },
    ]);
    expect(close.messages).toEqual([
      { id: open.messages[0].id, outcome: 'done', elapsedMs: expect.any(Number) },
    ]);
  });

  it('publishes outcome break when the consumer breaks', async () => {
    for await (const n of pipe(
      range(0, 10),
      map((n: number) => n),
    ))
      if (n === 2) break;
    expect(close.messages.map((m) => m.outcome)).toEqual(['break']);
  });

  it('publishes outcome abort with the reason when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pipeline = pipe(
      range(0, 10),
      map((n: number) => n),
      { signal: controller.signal },
    );
    await expect(
      (async () => {
        for await (const n of pipeline) if (n === 2) controller.abort(reason);
      })(),
    ).rejects.toBe(reason);
    expect(close.messages).toEqual([expect.objectContaining({ outcome: 'abort', reason })]);
  });

  it('publishes outcome error with the error when a stage fails', async () => {
    const boom = new Error('boom');
    const failing = pipe(
      range(0, 10),
      map((n: number) => {
        if (n === 1) throw boom;
        return n;
      }),
    );
    await expect(collect(failing)).rejects.toBe(boom);
    expect(close.messages).toEqual([expect.objectContaining({ outcome: 'error', error: boom })]);
  });
});

describe('sluice:stage:error', () => {
  it('publishes the failing stage once, by name and position, however far the error travels', async () => {
    const errors = listen('sluice:stage:error');
    try {
      const boom = new Error('boom');
      const failing = pipe(
        range(0, 10),
        map((n: number) => n),
        named(
          'fetch',
          parallelMap(async (n: number) => {
            if (n === 2) throw boom;
            return n;
          }),
        ),
        map((n: number) => n),
      );
      await expect(drain(failing)).rejects.toBe(boom);
      expect(errors.messages).toEqual([{ id: expect.any(Number), name: 'fetch', position: 2, error: boom }]);
    } finally {
      errors.stop();
    }
  });
});

describe('sluice:supervise:restart', () => {
  it('publishes each restart with its count and the error', async () => {
    const restarts = listen('sluice:supervise:restart');
    try {
      let calls = 0;
      const flaky = supervise(
        () =>
          map((n: number) => {
            if (n === 1 && calls++ < 2) throw new Error(`flaky ${calls}`);
            return n;
          }),
        { maxRestarts: 5 },
      );
      expect(await collect(pipe(range(0, 3), flaky))).toEqual([0, 1, 2]);
      expect(restarts.messages.map((m) => [m.restart, m.error.message])).toEqual([
        [1, 'flaky 1'],
        [2, 'flaky 2'], // in a row: nothing got through between the two
      ]);
    } finally {
      restarts.stop();
    }
  });
});

describe('without a subscriber', () => {
  it('publishes nothing and builds no message', async () => {
    open.stop();
    close.stop();
    const { channel } = await import('node:diagnostics_channel');
    const publish = jest.spyOn(channel('sluice:pipeline:open'), 'publish');
    const publishClose = jest.spyOn(channel('sluice:pipeline:close'), 'publish');
    await drain(
      pipe(
        range(0, 3),
        map((n: number) => n),
      ),
    );
    expect(publish).not.toHaveBeenCalled();
    expect(publishClose).not.toHaveBeenCalled();
    publish.mockRestore();
    publishClose.mockRestore();
  });
});

describe('without a meter', () => {
  it('reads no clock while the pipeline runs', async () => {
    const now = jest.spyOn(performance, 'now');
    try {
      await drain(
        pipe(
          range(0, 100),
          map((n: number) => n),
          parallelMap(async (n: number) => n),
        ),
      );
      expect(now).not.toHaveBeenCalled();
    } finally {
      now.mockRestore();
    }
  });
});
