/** The stage contract (../contract.ts) for workerMap, ordered and not, on a doubling worker. */
import { join } from 'node:path';
import { workerMap } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';

const scope = useLeakCheck();
const double = join(__dirname, '..', 'fixtures', 'double.cjs');

describeContract(
  'workerMap (ordered)',
  {
    build: () => workerMap<number, number>(double, { concurrency: 2 }),
    expected: (input) => input.map((n) => n * 2),
    hasCallback: false,
  },
  scope,
);

describeContract(
  'workerMap (unordered, one thread)',
  {
    // One thread, so completion order is input order and the contract's order check holds.
    build: () => workerMap<number, number>(double, { concurrency: 1, ordered: false }),
    expected: (input) => input.map((n) => n * 2),
    hasCallback: false,
  },
  scope,
);
