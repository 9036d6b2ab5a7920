import type { Redis } from 'ioredis';
import type { Delivery, Reader } from '../ack/reader.js';
import { onAbort } from '../util/abort.js';
import { LeaseKeeper } from './lease-keeper.js';
import { entriesOf, fieldsOf, type RawEntry } from './redis-reply.js';

export interface RedisReadOptions<T> {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly block: number;
  readonly claimIdleMs: number;
  readonly decode: (fields: Record<string, string>, id: string) => T;
}

/**
 * Reads one consumer of a group. Blocking reads go on a duplicate of the user's client, never on
 * the user's own: a `BLOCK` holds its connection, and only disconnecting it stops a `BLOCK` at once.
 * Everything else (group creation, XAUTOCLAIM, XPENDING, XACK) goes on the user's client.
 * Order of reading: entries idle longer than `claimIdleMs` (claimed at start and every half of it),
 * then the consumer's own pending entries (ID `0`: a restarted consumer finishes its work first),
 * then new ones (`>`). A killed reading connection is recovered: ioredis reconnects, and the own
 * pending list is read again, so an entry the killed read took is not lost; those already in the
 * pipeline are skipped (`held`), so none is handed over twice.
 */
export class RedisReader<T> implements Reader<T> {
  private connection: Redis | undefined;
  private grouped: Promise<unknown> | undefined;
  private own = true;
  private ownCursor = '0';
  private claimAt = 0;
  private claimCursor = '0-0';
  private readonly keeper: LeaseKeeper;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisReadOptions<T>,
    private readonly held: ReadonlyMap<string, unknown>,
  ) {
    this.keeper = new LeaseKeeper(redis, options, held);
  }

  async read(max: number, signal: AbortSignal): Promise<Delivery<T>[]> {
    await (this.grouped ??= this.createGroup());
    this.keeper.start();
    const { stream, group, consumer, claimIdleMs } = this.options;
    if (performance.now() >= this.claimAt) {
      const [cursor, entries] = (await this.redis.call(
        'XAUTOCLAIM',
        stream,
        group,
        consumer,
        claimIdleMs,
        this.claimCursor,
        'COUNT',
        max,
      )) as [string, RawEntry[]];
      this.claimCursor = cursor;
      // A scan not finished goes on at the next read; a finished one waits half of claimIdleMs.
      this.claimAt = cursor === '0-0' ? performance.now() + claimIdleMs / 2 : 0;
      if (entries.length > 0) return this.pending(entries);
    }
    // Stopped while a command above was answered: no connection is opened again, no listener added.
    if (signal.aborted || this.closed) return [];
    if (this.own) {
      const entries = await this.readOwn(this.reading(), max);
      if (entries.length === 0) this.own = false;
      return this.pending(entries);
    }
    return this.blockingRead(max, signal);
  }

  /** After a drain: own pending entries not in the pipeline (one a cut-off BLOCK took, say). */
  async rest(): Promise<Delivery<T>[]> {
    this.dropConnection();
    this.ownCursor = '0';
    const all: Delivery<T>[] = [];
    for (;;) {
      const entries = await this.readOwn(this.redis, 100);
      if (entries.length === 0) return all;
      all.push(...(await this.pending(entries)));
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.keeper.stop();
    const connection = this.connection;
    this.dropConnection();
    if (connection === undefined || connection.status === 'end') return Promise.resolve();
    return new Promise((resolve) => connection.once('end', () => resolve()));
  }

  /** Nak: the entry becomes claimable after `delay` (its idle time is set so), by any consumer. */
  nakArgs(id: string, delay = 0): (string | number)[] {
    const { stream, group, consumer, claimIdleMs } = this.options;
    const idle = Math.max(0, claimIdleMs - delay);
    this.claimAt = Math.min(this.claimAt, performance.now() + delay);
    return [stream, group, consumer, 0, id, 'IDLE', idle, 'JUSTID'];
  }

  private async createGroup(): Promise<void> {
    const { stream, group } = this.options;
    try {
      // From the start of the stream: entries written before the first worker came are work too.
      await this.redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('BUSYGROUP')) throw error;
    }
  }

  private reading(): Redis {
    return (this.connection ??= this.redis.duplicate({
      autoResendUnfulfilledCommands: false,
      enableOfflineQueue: true,
      connectionName: `sluice:${this.options.group}:${this.options.consumer}`,
    }));
  }

  private dropConnection(): void {
    this.connection?.disconnect();
    this.connection = undefined;
  }

  private async readOwn(client: Redis, max: number): Promise<RawEntry[]> {
    const { stream, group, consumer } = this.options;
    const reply = await client.call(
      'XREADGROUP',
      'GROUP',
      group,
      consumer,
      'COUNT',
      max,
      'STREAMS',
      stream,
      this.ownCursor,
    );
    const entries = entriesOf(reply);
    if (entries.length > 0) this.ownCursor = entries[entries.length - 1]![0];
    return entries;
  }

  /** A BLOCK read raced against the connection's `close`: a killed connection never answers it. */
  private blockingRead(max: number, signal: AbortSignal): Promise<Delivery<T>[]> {
    const { stream, group, consumer, block } = this.options;
    if (signal.aborted || this.closed) return Promise.resolve([]);
    const connection = this.reading();
    return new Promise<Delivery<T>[]>((resolve, reject) => {
      const closed = (): void => {
        finish();
        this.own = true; // recover: what the lost read took is in the own pending list
        this.ownCursor = '0';
        resolve([]);
      };
      const removeAbort = onAbort(signal, () => this.dropConnection(), 'redis blocking read');
      const finish = (): void => {
        removeAbort();
        connection.off('close', closed);
      };
      connection.once('close', closed);
      connection
        .call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max, 'BLOCK', block, 'STREAMS', stream, '>')
        .then(
          (reply) => (finish(), resolve(this.deliveries(entriesOf(reply), () => 1))),
          (error: unknown) => (finish(), reject(error)),
        );
    });
  }

  /** Entries delivered before: their delivery counts come from XPENDING. */
  private async pending(entries: RawEntry[]): Promise<Delivery<T>[]> {
    const { stream, group, consumer } = this.options;
    // An entry deleted while pending stays in the pending list until acknowledged: nothing to do.
    const gone = entries.filter(([, fields]) => fields === null).map(([id]) => id);
    if (gone.length > 0) await this.redis.call('XACK', stream, group, ...gone);
    const live = entries.filter(([id, fields]) => fields !== null && !this.held.has(id));
    if (live.length === 0) return [];
    const first = live[0]![0];
    const last = live[live.length - 1]![0];
    const rows = (await this.redis.call('XPENDING', stream, group, first, last, live.length, consumer)) as [
      string,
      string,
      number,
      number,
    ][];
    const counts = new Map(rows.map(([id, , , deliveries]) => [id, Number(deliveries)]));
    return this.deliveries(live, (id) => counts.get(id) ?? 1);
  }

  private deliveries(entries: RawEntry[], count: (id: string) => number): Delivery<T>[] {
    const { stream, group } = this.options;
    const out: Delivery<T>[] = [];
    for (const [id, fields] of entries) {
      if (fields === null) continue; // deleted while pending: nothing to process
      out.push({
        id,
        value: this.options.decode(fieldsOf(fields), id),
        deliveries: count(id),
        settle: {
          ack: () => this.redis.call('XACK', stream, group, id).then(() => {}),
          nak: (delay) => this.redis.call('XCLAIM', ...this.nakArgs(id, delay)).then(() => {}),
        },
      });
    }
    return out;
  }
}
