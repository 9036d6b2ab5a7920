import { getEventListeners } from 'node:events';
import { untilSettled } from '../../lib/ack/until-settled.js';
import { stopUpstream } from '../../lib/util/abort.js';
import { deferred } from '../../lib/util/deferred.js';
import { settle } from '../../lib/testing/index.js';

/** Whether `promise` has settled after the pending turns ran. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await settle();
  return done;
}

describe('untilSettled: what the end of a broker source waits for', () => {
  it('waits for the reader to close and for every settle sent to be answered', async () => {
    const closing = deferred<void>();
    const ack = deferred<void>();
    const waiting = untilSettled(closing.promise, new Set([ack.promise]), [undefined]);
    expect(await isSettled(waiting)).toBe(false);
    closing.resolve();
    expect(await isSettled(waiting)).toBe(false);
    ack.resolve();
    expect(await isSettled(waiting)).toBe(true);
  });

  it('a graceful stop during the wait does not cut it short', async () => {
    const stage = new AbortController();
    const ack = deferred<void>();
    const waiting = untilSettled(undefined, new Set([ack.promise]), [stage.signal]);
    stopUpstream(stage, new Error('the reader ended'), false);
    expect(await isSettled(waiting)).toBe(false);
    ack.resolve();
    expect(await isSettled(waiting)).toBe(true);
  });

  it('an abort during the wait cuts it short, and its listener goes', async () => {
    const user = new AbortController();
    const never = new Promise<void>(() => {});
    const waiting = untilSettled(undefined, new Set([never]), [user.signal, undefined]);
    expect(getEventListeners(user.signal, 'abort')).toHaveLength(1);
    user.abort(new Error('stop'));
    expect(await isSettled(waiting)).toBe(true);
    expect(getEventListeners(user.signal, 'abort')).toHaveLength(0);
  });

  it('a signal aborted before the wait skips the settles: an abort waits on no broker', async () => {
    const stage = new AbortController();
    stopUpstream(stage, new Error('abort'), true);
    const never = new Promise<void>(() => {});
    await expect(untilSettled(Promise.resolve(), new Set([never]), [stage.signal])).resolves.toBeUndefined();
  });
});
