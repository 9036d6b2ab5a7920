/** Marks an empty slot, and "no result ready" for the window's readers. */
export const NOTHING = Symbol('nothing');

/** The reorder window: results by input index, never more than `concurrency` apart. */
export interface ReorderWindow<O> {
  readonly size: number;
  has(index: number): boolean;
  get(index: number): O | undefined;
  set(index: number, value: O): unknown;
  delete(index: number): unknown;
  clear(): void;
}

/**
 * A reorder window as a ring of `capacity` slots: indexes in the window are never `capacity`
 * apart, so `index % capacity` is free when a result arrives. A Map does the same for a huge
 * `concurrency`, at several times the cost per item.
 */
export class RingWindow<O> implements ReorderWindow<O> {
  private readonly slots: (O | typeof NOTHING)[];
  size = 0;

  constructor(private readonly capacity: number) {
    this.slots = new Array<O | typeof NOTHING>(capacity).fill(NOTHING);
  }

  has(index: number): boolean {
    return this.slots[index % this.capacity] !== NOTHING;
  }

  get(index: number): O | undefined {
    const value = this.slots[index % this.capacity];
    return value === NOTHING ? undefined : value;
  }

  set(index: number, value: O): this {
    this.slots[index % this.capacity] = value;
    this.size++;
    return this;
  }

  delete(index: number): boolean {
    this.slots[index % this.capacity] = NOTHING;
    this.size--;
    return true;
  }

  clear(): void {
    this.slots.fill(NOTHING);
    this.size = 0;
  }
}
