import { watch } from '../../lib/inspect/index.js';
import { after, drain, map, Meter, named, pipe, range } from '../../lib/index.js';
import { TestClock, useLeakCheck, useTestClock } from '../../lib/testing/index.js';

useLeakCheck();

let clock: TestClock;
beforeEach(() => {
  clock = useTestClock();
});
afterEach(() => clock.uninstall());

function recorder(isTTY: boolean): { writes: string[]; write(text: string): void; isTTY: boolean } {
  const writes: string[] = [];
  return { writes, isTTY, write: (text: string) => void writes.push(text) };
}

/** 30 items through a stage taking 10 ms each: about 300 ms of virtual time. */
function slowPipeline(meter: Meter): Promise<void> {
  const slow = named(
    'slow',
    map(async (n: number) => {
      await after(10);
      return n;
    }),
  );
  return drain(
    pipe(
      range(0, 30),
      map((n: number) => n + 1),
      slow,
      { meter },
    ),
  );
}

describe('watch', () => {
  it('writes one summary line per interval off a TTY, then the final table when the pipeline ends', async () => {
    const meter = new Meter();
    const output = recorder(false);
    const watcher = watch(meter, { interval: 100, output });
    const done = slowPipeline(meter);
    await clock.advance(100);
    expect(output.writes).toHaveLength(1);
    expect(output.writes[0]).toMatch(
      /^\[sluice 100 ms\] source 100\/s \| map 100\/s \| slow (90|100)\/s \(bottleneck\); limited by slow\n$/,
    );
    await clock.runAll();
    await done;
    await watcher.done;
    const last = output.writes[output.writes.length - 1]!;
    expect(last).toBe(`${meter.format()}\n`);
    expect(last).toMatch(/slow .*done ◀ bottleneck/);
    expect(output.writes.length).toBeLessThanOrEqual(5);
    expect(clock.pending).toBe(0);
  });

  it('redraws a table in place on a TTY, with items/s, the busy bar and the bottleneck marked', async () => {
    const meter = new Meter();
    const output = recorder(true);
    const watcher = watch(meter, { interval: 100, output });
    const done = slowPipeline(meter);
    await clock.advance(100);
    await clock.advance(100);
    expect(output.writes[0]).not.toContain('\x1b[');
    expect(output.writes[1]!.startsWith(`\x1b[${output.writes[0]!.split('\n').length - 1}A\x1b[J`)).toBe(
      true,
    );
    expect(output.writes[1]).toMatch(/slow +100\/s +█{19,20}/);
    expect(output.writes[1]).toContain('◀ bottleneck');
    await clock.runAll();
    await done;
    await watcher; // awaitable itself, as `done` is
    expect(clock.pending).toBe(0);
  });

  it('stops when its signal aborts, writing the final table once', async () => {
    const meter = new Meter();
    const output = recorder(false);
    const controller = new AbortController();
    const watcher = watch(meter, { interval: 100, output, signal: controller.signal });
    const done = slowPipeline(meter);
    await clock.advance(100);
    controller.abort();
    await watcher.done;
    const count = output.writes.length;
    expect(output.writes[count - 1]).toContain('◀ bottleneck');
    await clock.runAll();
    await done;
    expect(output.writes).toHaveLength(count);
  });

  it('stops on stop() and on dispose, and at once for a pipeline already ended', async () => {
    const meter = new Meter();
    const output = recorder(false);
    const watcher = watch(meter, { output });
    expect(clock.pending).toBe(1);
    watcher.stop();
    watcher[Symbol.dispose]();
    await watcher.done;
    expect(clock.pending).toBe(0);
    const ended = new Meter();
    const running = drain(pipe(range(0, 3), { meter: ended }));
    await clock.runAll();
    await running;
    const late = watch(ended, { output });
    await late.done;
    expect(output.writes[output.writes.length - 1]).toContain('source');
  });

  it('rejects a bad meter, interval, output or signal at once', () => {
    const meter = new Meter();
    expect(() => watch({} as Meter)).toThrow(
      new TypeError('Expected `meter` to be a Meter (new Meter()), got an object'),
    );
    expect(() => watch(meter, { interval: 0 })).toThrow(RangeError);
    expect(() => watch(meter, { interval: 2 ** 31 })).toThrow(
      new RangeError(
        'Expected `interval` to be a number of milliseconds > 0 and ≤ 2147483647, got 2147483648',
      ),
    );
    expect(() => watch(meter, { interval: '5' as never })).toThrow(TypeError);
    expect(() => watch(meter, { output: {} as never })).toThrow(TypeError);
    expect(() => watch(meter, { signal: 'x' as never })).toThrow(TypeError);
    expect(clock.pending).toBe(0);
  });
});
