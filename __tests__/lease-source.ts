import { LEASED, type Carried, type Lease, type LeaseSource } from '../lib/core/lease.js';

/** A source of 0..n-1 whose leases log `ack n` / `nak n`, as a broker source's would. */
export function leased(n: number): { source: LeaseSource<number>; log: string[] } {
  const log: string[] = [];
  const lease = (i: number): Lease => {
    let holds = 1;
    let failed = false;
    return {
      message: { id: String(i) },
      retain: () => void holds++,
      release: () => void (--holds === 0 && !failed && log.push(`ack ${i}`)),
      fail: () => void (failed || ((failed = true), log.push(`nak ${i}`))),
    };
  };
  async function* carried(): AsyncGenerator<Carried<number>> {
    for (let i = 0; i < n; i++) yield { value: i, lease: lease(i) };
  }
  const source = {
    [LEASED]: () => carried(),
    [Symbol.asyncIterator]: () => carried(),
  } as unknown as LeaseSource<number>;
  return { source, log };
}

/** How many acknowledgements `log` holds. */
export const acks = (log: string[]): number => log.filter((line) => line.startsWith('ack')).length;
