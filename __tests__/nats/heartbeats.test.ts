import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { forEach, parallelMap, pipe } from '../../lib/index.js';
import { fromJetStream, HeartbeatsMissedError, type Message } from '../../lib/nats/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { brokerDescribe } from '../brokers.js';
import { deferred, failureOf } from '../helpers.js';
import { useJetStream } from './kit.js';

const describeNats = brokerDescribe('NATS', 4222);
useLeakCheck();
jest.setTimeout(30_000);

/**
 * A loopback TCP proxy to the NATS server whose `stall()` stops forwarding both ways without
 * closing anything: to the client, the server has gone silent, as behind a dead network link.
 */
async function stallableProxy(): Promise<{ port: number; stall(): void; close(): Promise<void> }> {
  const pairs: [Socket, Socket][] = [];
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(4222, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const close = () => (client.destroy(), upstream.destroy());
    client.on('error', close);
    upstream.on('error', close);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    stall() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    async close() {
      for (const socket of pairs.flat()) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describeNats('fromJetStream heartbeats', () => {
  const kit = useJetStream();

  it('fails with a HeartbeatsMissedError when the server goes silent, acknowledging nothing unfinished', async () => {
    const proxy = await stallableProxy();
    let through: NatsConnection | undefined;
    try {
      through = await connect({ servers: `127.0.0.1:${proxy.port}`, reconnect: false });
      await kit.publish(3);
      const signals = new Map<number, AbortSignal>();
      const holding = deferred<void>();
      const run = forEach(
        pipe(
          fromJetStream<number>(await kit.consumer(through), { ack: 'auto', heartbeat: 500 }),
          parallelMap(
            async (n: number, { signal, message }) => {
              signals.set(n, message!.signal);
              if (n === 0) return n;
              if (signals.size === 3) holding.resolve();
              // Items 1 and 2 are still being processed when the link dies.
              await new Promise((_, reject) =>
                signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
              );
              return n;
            },
            { concurrency: 4, ordered: false },
          ),
        ),
        () => {},
      );
      run.catch(() => {});
      await holding.promise;
      // Item 0 is done: wait until the server has its acknowledgement, then cut the link.
      while ((await kit.jsm.consumers.info(kit.name, 'workers')).ack_floor.stream_seq < 1);
      proxy.stall();

      const error = await run.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(error).toBeInstanceOf(HeartbeatsMissedError);
      expect((error as Error).message).toMatch(/missed \d+ heartbeats/);
      // What was not done is not acknowledged (the server still waits for it), and its signal aborted.
      const info = await kit.jsm.consumers.info(kit.name, 'workers');
      expect(info.ack_floor.stream_seq).toBe(1);
      expect(info.num_ack_pending).toBe(2);
      expect([1, 2].map((n) => signals.get(n)!.aborted)).toEqual([true, true]);
      expect(signals.get(0)!.aborted).toBe(false);
    } finally {
      await proxy.close();
      await through?.close().catch(() => {});
    }
  });

  it('aborts the signals of the messages held at once, and closes itself with no return() (ack: manual)', async () => {
    const proxy = await stallableProxy();
    let through: NatsConnection | undefined;
    try {
      through = await connect({ servers: `127.0.0.1:${proxy.port}`, reconnect: false });
      await kit.publish(2);
      const held: Message<number>[] = [];
      const loop = (async () => {
        for await (const message of fromJetStream<number>(await kit.consumer(through), { heartbeat: 500 })) {
          held.push(message);
          if (held.length < 2) continue;
          // Processing the second message, no next() pending, when the link dies: told by its signal.
          proxy.stall();
          await new Promise((resolve) => message.signal.addEventListener('abort', resolve, { once: true }));
        }
      })();
      // A for await calls no return() after its next() failed: nothing is left running even so
      // (the leak check after the test: no working() timer, no listener).
      await expect(loop).rejects.toBeInstanceOf(HeartbeatsMissedError);
      expect(held.map((message) => message.signal.aborted)).toEqual([true, true]);
      expect(held[0]!.signal.reason).toBeInstanceOf(HeartbeatsMissedError);
      expect((await kit.jsm.consumers.info(kit.name, 'workers')).num_ack_pending).toBe(2);
    } finally {
      await proxy.close();
      await through?.close().catch(() => {});
    }
  });

  it('names the option and the value when given a heartbeat the client would not keep', async () => {
    const consumer = await kit.consumer();
    for (const heartbeat of [499, 30_001, -1, NaN]) {
      const error = await failureOf(() => fromJetStream(consumer, { heartbeat }));
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toContain(`\`heartbeat\``);
    }
    expect(() => fromJetStream(consumer, { heartbeat: '500' as unknown as number })).toThrow(TypeError);
    expect(() => fromJetStream(consumer, { heartbeat: 100 })).toThrow(
      'Expected `heartbeat` to be a number of milliseconds from 500 to 30000, got 100',
    );
  });
});
