import { forEach, map, pipe, range } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';

useLeakCheck();

describe('event-loop fairness of synchronous runs', () => {
  it('lets an immediate run within the first few thousand items of a synchronous source', async () => {
    let count = 0;
    let seenAt = -1;
    setImmediate(() => (seenAt = count));
    await forEach(
      pipe(
        range(0, 100_000),
        map((n) => n + 1),
      ),
      () => void count++,
    );
    expect(count).toBe(100_000);
    expect(seenAt).toBeGreaterThanOrEqual(0);
    expect(seenAt).toBeLessThan(10_000);
  });

  it('keeps every item and its order across the turns it gives away', async () => {
    const out: number[] = [];
    await forEach(pipe(range(0, 20_000)), (n) => void out.push(n));
    expect(out).toHaveLength(20_000);
    expect(out.every((n, i) => n === i)).toBe(true);
  });
});
