/**
 * The outlet's `next()` asks its owner with stand-in handlers first (next-reader.ts): these pin
 * down that a value or an end given during that call reaches the reader exactly as a later one
 * would, whatever the owner does in the same call.
 */
import { Outlet, type OutletOwner } from '../../lib/core/outlet.js';
import { END } from '../../lib/core/outcome.js';
import { useLeakCheck } from '../../lib/testing/index.js';

useLeakCheck();

/** An owner that hands over what `ready` holds on demand, then does what `after` says. */
function owner(ready: number[], after?: (outlet: Outlet<number>) => void) {
  const self = {
    outlet: undefined as unknown as Outlet<number>,
    demands: 0,
    demand(): void {
      self.demands++;
      while (self.outlet.waiting && ready.length > 0) self.outlet.push(ready.shift()!);
      if (ready.length === 0) after?.(self.outlet);
    },
    stop: (): Promise<void> => (self.outlet.end({ kind: 'return' }), Promise.resolve()),
  };
  self.outlet = new Outlet<number>(self as OutletOwner, 'test outlet', false);
  return self;
}

describe('Outlet next()', () => {
  it('delivers a value handed over during the call, and an error the owner ends with in the same call comes next', async () => {
    const error = new Error('failed right after the last value');
    const { outlet } = owner([1], (o) => o.end({ kind: 'error', error }));
    await expect(outlet.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(outlet.next()).rejects.toBe(error);
    await expect(outlet.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('delivers the end given during the call as done', async () => {
    const { outlet } = owner([], (o) => o.end(END));
    await expect(outlet.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('answers a read the owner answers later, then reads answered at once again', async () => {
    const ready: number[] = [];
    const self = owner(ready);
    const later = self.outlet.next();
    expect(self.outlet.waiting).toBe(true);
    ready.push(1);
    self.outlet.push(ready.shift()!);
    await expect(later).resolves.toEqual({ done: false, value: 1 });
    // The next read misses once more (nothing ready), then one answered during its wake re-arms the fast path.
    ready.push(2, 3, 4);
    await expect(self.outlet.next()).resolves.toEqual({ done: false, value: 2 });
    await expect(self.outlet.next()).resolves.toEqual({ done: false, value: 3 });
    await expect(self.outlet.next()).resolves.toEqual({ done: false, value: 4 });
    await self.outlet.return();
  });

  it('answers overlapping reads in order, some at once and some later', async () => {
    const ready = [1];
    const self = owner(ready);
    const reads = [self.outlet.next(), self.outlet.next(), self.outlet.next()];
    ready.push(2, 3);
    self.outlet.owner.demand();
    await expect(Promise.all(reads)).resolves.toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
      { done: false, value: 3 },
    ]);
    await self.outlet.return();
  });
});
