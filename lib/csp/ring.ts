/** A channel's buffer: a ring whose size is a power of two, grown on demand, never holding a taken value. */
export class Ring<T> {
  private slots: (T | undefined)[] = [];
  private head = 0;
  length = 0;

  push(value: T): void {
    if (this.length === this.slots.length) this.grow();
    this.slots[(this.head + this.length) & (this.slots.length - 1)] = value;
    this.length++;
  }

  /** Puts a value back in front: one taken and not handed over. */
  unshift(value: T): void {
    if (this.length === this.slots.length) this.grow();
    this.head = (this.head - 1) & (this.slots.length - 1);
    this.slots[this.head] = value;
    this.length++;
  }

  shift(): T {
    const value = this.slots[this.head] as T;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & (this.slots.length - 1);
    this.length--;
    return value;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Array<T | undefined>(Math.max(8, old.length * 2)).fill(undefined);
    for (let i = 0; i < this.length; i++) slots[i] = old[(this.head + i) & (old.length - 1)];
    this.slots = slots;
    this.head = 0;
  }
}
