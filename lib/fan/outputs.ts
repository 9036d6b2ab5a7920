import { Outlet, type OutletOwner } from '../core/outlet.js';
import { EMPTY, type Policy } from './policy.js';

const NOT_ASKED = Infinity;

/**
 * The `n` outputs of a router: their outlets, which ones are done, and the order their readers
 * asked in, which decides who is served first when the policy hands the next item to whoever asks
 * (split without a key).
 */
export class Outputs<T> {
  readonly outlets: Outlet<T>[];
  readonly done: boolean[];
  /** Outputs not done yet. */
  live: number;
  /** When each output's reader began to wait, to serve them in that order; NOT_ASKED if not. */
  private readonly askedAt: number[];
  private seq = 0;
  /** Which outputs were ever read, for a leak report. */
  private readonly read: boolean[];
  readonly isWaiting = (k: number): boolean => this.outlets[k].waiting;

  constructor(n: number, label: string, owner: (k: number) => OutletOwner) {
    this.askedAt = Array.from({ length: n }, () => NOT_ASKED);
    this.done = Array.from({ length: n }, () => false);
    this.read = Array.from({ length: n }, () => false);
    this.live = n;
    this.outlets = Array.from(
      { length: n },
      (_, k) => new Outlet<T>(owner(k), `${label} output ${k + 1} of ${n}`),
    );
  }

  /** Output k's reader waits. */
  asked(k: number): void {
    this.read[k] = true;
    if (this.askedAt[k] === NOT_ASKED) this.askedAt[k] = this.seq++;
  }

  anyWaiting(): boolean {
    for (let k = 0; k < this.outlets.length; k++) if (this.outlets[k].waiting && !this.done[k]) return true;
    return false;
  }

  /** Hands waiting outputs what the policy has for them. */
  deliver(policy: Policy<T>): void {
    if (policy.firstAsker) this.deliverInOrder(policy);
    else this.deliverEach(policy);
  }

  /** Serves each waiting output what it has, for a policy where the order of asking decides nothing. */
  private deliverEach(policy: Policy<T>): void {
    const { outlets, done } = this;
    for (let k = 0; k < outlets.length; k++) {
      for (let value; !done[k] && outlets[k].waiting && (value = policy.take(k)) !== EMPTY;)
        outlets[k].push(value);
    }
  }

  /** Serves waiting outputs in the order they asked, which is what split's first-asker mode needs. */
  private deliverInOrder(policy: Policy<T>): void {
    const { outlets, askedAt, done } = this;
    for (let served = true; served;) {
      served = false;
      // The waiting outputs oldest first, by successive scans: n is small, and this allocates nothing.
      for (let after = -1; ;) {
        let k = -1;
        for (let j = 0, oldest = NOT_ASKED; j < outlets.length; j++) {
          if (outlets[j].waiting && !done[j] && askedAt[j] > after && askedAt[j] < oldest) {
            oldest = askedAt[j];
            k = j;
          }
        }
        if (k < 0) break;
        after = askedAt[k];
        const value = policy.take(k);
        if (value === EMPTY) continue;
        askedAt[k] = outlets[k].push(value) ? this.seq++ : NOT_ASKED;
        served = true;
        break;
      }
    }
  }

  /** For a leak report: the outputs never read, which hold the source open. */
  readonly unread = (): string | undefined => {
    const unread = this.outlets.flatMap((_, k) => (this.read[k] || this.done[k] ? [] : [k + 1]));
    const n = this.outlets.length;
    if (unread.length === 0) return undefined;
    if (unread.length === 1) return `output ${unread[0]} of ${n} was never read`;
    return `outputs ${unread.join(', ')} of ${n} were never read`;
  };
}
