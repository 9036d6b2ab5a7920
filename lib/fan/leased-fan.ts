import { isLeaseSource, LEASED, NO_LEASE, type Carried, type LeaseSource } from '../core/lease.js';
import { LeasedOutlet } from '../core/leased-outlet.js';
import type { Outlet } from '../core/outlet.js';
import { isLeasedPipeline } from '../core/pipeline.js';
import { pipe } from '../core/pipe.js';
import { map } from '../stages/map.js';
import type { Branch, Source } from '../core/types.js';
import type { Policy } from './policy.js';

/**
 * Fan-in and fan-out over sources with `ack: 'auto'`: the engines run over `Carried` values (each
 * value beside its message's lease), and what they return carries the leases on, so a message is
 * acknowledged only once every reader is done with what came of it.
 */

/** Whether any of `sources` carries leases. */
export function carriesLeases(sources: readonly unknown[]): boolean {
  return sources.some((source) => isLeaseSource(source) || isLeasedPipeline(source));
}

/** The values of `source` with their leases; a plain source's values have none to give back. */
export function carriedOf<T>(source: Source<T>): AsyncIterable<Carried<T>> {
  if (isLeaseSource(source))
    return { [Symbol.asyncIterator]: (signal?: AbortSignal) => (source as LeaseSource<T>)[LEASED](signal) };
  if (isLeasedPipeline(source)) {
    const open = (source as AsyncIterable<T>)[Symbol.asyncIterator] as (
      signal?: AbortSignal,
    ) => LeasedOutlet<T>;
    return { [Symbol.asyncIterator]: (signal?: AbortSignal) => open.call(source, signal)[LEASED]() };
  }
  return pipe(
    source,
    map((value: T): Carried<T> => ({ value, lease: NO_LEASE })),
  );
}

/** A source that carries leases, opened by `open`: `pipe` reads its `Carried` values. */
export function leaseSource<T>(open: (signal?: AbortSignal) => Outlet<Carried<T>>): LeaseSource<T> {
  return {
    [LEASED]: (signal) => open(signal),
    [Symbol.asyncIterator]: (signal?: AbortSignal) => new LeasedOutlet(open(signal)),
  };
}

/** The outputs of a router over `Carried` values, handing out plain values (see `LeasedOutlet`). */
export function leasedBranches<T>(outlets: readonly Branch<Carried<T>>[]): Branch<T>[] {
  return outlets.map((outlet) => new LeasedOutlet(outlet as Outlet<Carried<T>>));
}

/**
 * A tee's policy over `Carried` values: each item is held once per output still reading when it
 * arrives, so its message is acknowledged when the last of them is done with it. An output that
 * stops early leaves the items it held unacknowledged: the broker delivers them again.
 */
export function broadcastLeases<T>(policy: Policy<Carried<T>>, n: number): Policy<Carried<T>> {
  let live = n;
  return {
    firstAsker: policy.firstAsker,
    take: (k) => policy.take(k),
    wantsPull: (anyWaiting, isWaiting) => policy.wantsPull(anyWaiting, isWaiting),
    accept(carried) {
      for (let i = 1; i < live; i++) carried.lease.retain();
      policy.accept(carried);
    },
    leave(k) {
      live--;
      policy.leave(k);
    },
    clear: () => policy.clear(),
  };
}
