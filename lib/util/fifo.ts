/** A FIFO queue with O(1) shift: an array read from a moving head, compacted now and then. */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private tail = 0;

  get length(): number {
    return this.tail - this.head;
  }

  push(value: T): void {
    this.items[this.tail++] = value;
  }

  shift(): T {
    const items = this.items;
    const value = items[this.head] as T;
    items[this.head++] = undefined; // the queue does not keep what it handed out alive
    if (this.head === this.tail) {
      this.head = this.tail = 0; // empty: reuse the array from its front
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      const held = this.tail - this.head;
      for (let i = 0; i < held; i++) {
        items[i] = items[this.head + i];
        items[this.head + i] = undefined;
      }
      this.head = 0;
      this.tail = held;
    }
    return value;
  }

  clear(): void {
    this.items = [];
    this.head = this.tail = 0;
  }
}
