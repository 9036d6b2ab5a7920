import type { Redis } from 'ioredis';
import { clearTimer, setTimer, type Timer } from '../util/timers.js';

/**
 * For each id: still this consumer's → its idle time is reset (XCLAIM JUSTID, which does not count
 * a delivery); not → it is reported lost. One script, so no peer can claim an entry in between.
 */
const REFRESH = `local lost = {}
for i = 3, #ARGV do
  local mine = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
  if #mine == 0 then table.insert(lost, ARGV[i])
  else redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID') end
end
return lost`;

/** What the keeper can tell a held message: its lease was lost. */
interface Held {
  abort(reason: unknown): void;
}

/**
 * Keeps the entries this consumer holds from being claimed while they are processed (Redis' version
 * of JetStream's `working()`): every half of `claimIdleMs`, each held entry still in this consumer's
 * pending list has its idle time reset, so no peer's XAUTOCLAIM takes it while it is processed. An
 * entry no longer there was claimed by another consumer (or deleted): its lease is lost, and the
 * message's `signal` aborts so its processing can stop. An entry is never taken back from a peer.
 */
export class LeaseKeeper {
  private timer: Timer | undefined;
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: { stream: string; group: string; consumer: string; claimIdleMs: number },
    private readonly held: ReadonlyMap<string, unknown>,
  ) {}

  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimer(
      () => void this.refresh(),
      Math.max(1, this.options.claimIdleMs / 2),
      'redis lease keeper',
    );
  }

  stop(): void {
    this.stopped = true;
    clearTimer(this.timer);
    this.timer = undefined;
  }

  private async refresh(): Promise<void> {
    this.timer = undefined;
    const ids = [...this.held.keys()];
    if (ids.length > 0) {
      const { stream, group, consumer } = this.options;
      try {
        const lost = (await this.redis.call('EVAL', REFRESH, 1, stream, group, consumer, ...ids)) as string[];
        for (const id of lost)
          (this.held.get(id) as Held | undefined)?.abort(
            new Error(`The lease of Redis entry ${id} was lost: another consumer claimed it`),
          );
      } catch {
        // The client is closing or reconnecting: the next round tries again.
      }
    }
    if (!this.stopped) this.start();
  }
}
