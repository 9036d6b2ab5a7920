/** The source contract (./source-contract.ts) for every source sluice makes. */
import { Channel, from, interval, merge, range, repeatFn } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { spySource, stuckSource } from '../helpers.js';
import { describeSourceContract } from './source-contract.js';

const scope = useLeakCheck();

describeSourceContract(
  'merge(...)',
  {
    make: () => {
      const inner = spySource([0, 1, 2, 3, 4]);
      return { source: merge(inner), touched: () => inner.log.opened, inner: inner.log };
    },
    first: [0, 1, 2],
    all: [0, 1, 2, 3, 4],
    pending: () => {
      const stuck = stuckSource<number>();
      return { source: merge(stuck), touched: () => stuck.log.opened, dispose: stuck.release };
    },
  },
  scope,
);

describeSourceContract(
  'a Channel used as a source',
  {
    make: () => {
      const channel = new Channel<number>(5);
      for (let i = 0; i < 5; i++) channel.trySend(i);
      return { source: channel, touched: () => channel.length !== 5, dispose: () => channel.close() };
    },
    first: [0, 1, 2],
    pending: () => {
      const channel = new Channel<number>();
      return { source: channel, touched: () => false, dispose: () => channel.close() };
    },
  },
  scope,
);

describeSourceContract(
  'a closed Channel used as a source',
  {
    make: () => {
      const channel = new Channel<number>(5);
      for (let i = 0; i < 5; i++) channel.trySend(i);
      channel.close();
      return { source: channel, touched: () => channel.length !== 5 };
    },
    first: [0, 1, 2],
    all: [0, 1, 2, 3, 4],
  },
  scope,
);

describeSourceContract(
  'repeatFn',
  {
    make: () => {
      let calls = 0;
      return { source: repeatFn(() => calls++), touched: () => calls > 0 };
    },
    first: [0, 1, 2],
    pending: () => ({
      source: repeatFn(
        ({ signal }) =>
          new Promise<number>((resolve) =>
            signal.addEventListener('abort', () => resolve(-1), { once: true }),
          ),
      ),
      touched: () => false,
    }),
  },
  scope,
);

describe('interval, on fake timers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  describeSourceContract(
    'interval',
    {
      make: () => ({ source: interval(10), touched: () => jest.getTimerCount() > 0 }),
      first: [0, 1, 2],
      pending: () => ({ source: interval(10), touched: () => jest.getTimerCount() > 0 }),
      run: async (promise) => {
        let settled = false;
        promise.then(
          () => (settled = true),
          () => (settled = true),
        );
        for (let i = 0; i < 100 && !settled; i++) await jest.advanceTimersByTimeAsync(10);
        return promise;
      },
    },
    scope,
  );
});

describeSourceContract(
  'range',
  { make: () => ({ source: range(0, 5), touched: () => false }), first: [0, 1, 2], all: [0, 1, 2, 3, 4] },
  scope,
);

describeSourceContract(
  'from([...])',
  {
    make: () => {
      let opened = false;
      const values = {
        [Symbol.iterator]() {
          opened = true;
          return [0, 1, 2, 3, 4][Symbol.iterator]();
        },
      };
      return { source: from(values), touched: () => opened };
    },
    first: [0, 1, 2],
    all: [0, 1, 2, 3, 4],
  },
  scope,
);
