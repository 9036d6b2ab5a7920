import { HALT, OWN } from './brand.js';
import { LEASED, type Carried, type Lease } from './lease.js';
import type { Outlet } from './outlet.js';

/**
 * The end of a pipeline that carries leases: it hands out plain values and releases each value's
 * lease once its reader is done with it. A sink is done when its callback returned (`consume`);
 * a `for await` body is done when it asks for the next value, so a `break`, an abort or a throw
 * leaves the value it held unacknowledged, and the broker delivers it again.
 */
export class LeasedOutlet<T> implements AsyncIterableIterator<T> {
  declare readonly [OWN]: true;
  /** Leases of the values handed out and not yet followed by a `next()`. */
  private held: Lease[] = [];

  constructor(private readonly inner: Outlet<Carried<T>>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    const held = this.held;
    this.held = [];
    for (const lease of held) lease.release();
    return this.inner.next().then((result) => {
      if (result.done) return result as IteratorResult<T>;
      this.held.push(result.value.lease);
      return { done: false, value: result.value.value };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.held = []; // not done with: left for the broker to deliver again
    return this.inner.return() as Promise<IteratorResult<T>>;
  }

  /** The sinks' path: a value is done once `sink` returned. */
  consume(sink: (value: T) => void): Promise<void> {
    return this.inner.consume((carried) => {
      sink(carried.value);
      carried.lease.release();
    });
  }

  /** Read by a stage that carries leases (a tee's output piped further): the values with their leases. */
  [LEASED](): Outlet<Carried<T>> {
    return this.inner;
  }

  [HALT](reason: unknown): Promise<void> {
    return this.inner[HALT](reason);
  }
}

Object.defineProperty(LeasedOutlet.prototype, OWN, { value: true });
