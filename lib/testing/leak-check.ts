import { liveResources, nextResourceId, openScope } from '../util/registry.js';
import { assertCount } from '../util/validate.js';
import { describeResource } from './words.js';

/**
 * Something sluice started that was still running when the check ran: `what` says it in your
 * words (`tee output 2 of 2 was never read`), `site` is where your code started it
 * (`test/orders.test.ts:41:7`, the first stack frame outside sluice), `stack` the whole stack.
 */
export interface Leak {
  readonly kind: 'stage' | 'listener' | 'timer' | 'source' | 'worker';
  /** sluice's own label, for a bug report. */
  readonly label: string;
  readonly stack: string | undefined;
  readonly what: string;
  readonly site: string | undefined;
}

/**
 * Thrown by a failed leak check; `leaks` lists what outlived the scope.
 *
 * @example
 * await scope.check().catch((error) => {
 *   if (error instanceof LeakError) console.table(error.leaks);
 *   throw error;
 * });
 */
export class LeakError extends Error {
  override readonly name = 'LeakError';
  constructor(readonly leaks: readonly Leak[]) {
    super(
      `sluice: ${leaks.length} resource(s) outlived the pipelines that started them:\n` +
        leaks.map((leak) => `  - ${leak.what}${leak.site ? `, started at ${leak.site}` : ''}`).join('\n'),
    );
  }
}

// Captured at load so the check still reaches the real event loop while a test fakes timers.
const realSetImmediate = globalThis.setImmediate;

/**
 * Waits `turns` turns of the real event loop (`setImmediate`), so every microtask chain and the
 * I/O callbacks due by then have run; jest's fake timers do not hold it up, since it uses the
 * `setImmediate` captured when `sluice/testing` loaded. `LeakScope.check()` settles this way
 * before it looks for leaks; call it in a test to let abandoned work finish before asserting.
 *
 * @param turns turns of the event loop to wait, an integer ≥ 0. @default 2
 * @throws TypeError for a `turns` that is not a number, RangeError for a negative or fractional one
 *   (at the call, not as a rejection).
 * @example
 * import { settle } from 'sluice/testing';
 * controller.abort();
 * await settle();
 * expect(source.log.returned).toBe(true);
 */
export function settle(turns = 2): Promise<void> {
  assertCount('turns', turns, 0);
  return turnsOfTheLoop(turns);
}

async function turnsOfTheLoop(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
}

/**
 * A window of time, usually one test: leaks are what was started in it and is still running.
 *
 * @example
 * const scope = new LeakScope();
 * await collect(pipe(range(0, 3), map((n) => n * 2)));
 * await scope.check(); // throws a LeakError if a timer, listener or thread is left
 */
export class LeakScope {
  private readonly firstId = nextResourceId();
  private readonly closeScope = openScope();

  /** What was started since the scope opened and has not stopped, without waiting. */
  leaks(): Leak[] {
    // A channel operation still waiting is named by a deadlock, not reported as a leak of its own.
    return liveResources()
      .filter((resource) => resource.id >= this.firstId && resource.kind !== 'wait')
      .map((resource) => ({
        kind: resource.kind as Leak['kind'],
        label: resource.label,
        stack: resource.stack,
        ...describeResource(resource),
      }));
  }

  /** Settles the event loop, closes the scope and throws a `LeakError` if anything is still running. */
  async check(): Promise<void> {
    await settle();
    this.closeScope();
    const leaks = this.leaks();
    if (leaks.length > 0) throw new LeakError(leaks);
  }
}

/** The per-test hooks of a test runner: node:test's, or vitest's without `globals`. */
export interface TestHooks {
  /** Registers `fn` to run before each test. */
  beforeEach(fn: () => unknown): unknown;
  /** Registers `fn` to run after each test; a rejection fails that test. */
  afterEach(fn: () => unknown): unknown;
}

/**
 * Installs a per-test leak check with the test runner's `beforeEach`/`afterEach`: the globals of
 * jest, vitest (`globals: true`) and mocha, or the ones you pass (node:test, vitest's imports).
 * Each test fails if a stage, abort listener, timer, abandoned source or worker thread that
 * sluice started during it is still running once it ends. Scoped per test, so one test's leak is
 * never blamed on another. Returns a getter for the current test's scope.
 *
 * @example
 * import { useLeakCheck } from 'sluice/testing';
 * useLeakCheck(); // jest, mocha; node:test: useLeakCheck({ beforeEach, afterEach })
 */
export function useLeakCheck(hooks: TestHooks = globalThis as unknown as TestHooks): () => LeakScope {
  if (typeof hooks.beforeEach !== 'function' || typeof hooks.afterEach !== 'function') {
    throw new TypeError(
      'useLeakCheck needs beforeEach and afterEach: global ones (jest, vitest, mocha) or passed as { beforeEach, afterEach }',
    );
  }
  let scope: LeakScope | undefined;
  hooks.beforeEach(() => {
    scope = new LeakScope();
  });
  hooks.afterEach(async () => {
    const current = scope;
    scope = undefined;
    await current?.check();
  });
  return () => {
    if (!scope) throw new Error('useLeakCheck: no test is running');
    return scope;
  };
}

/**
 * A leak check for one test: opens a `LeakScope` now and checks it when the test ends, through
 * the test context's `after` (node:test's `t`). Returns the scope.
 *
 * @example
 * import { test } from 'node:test';
 * test('drains', async (t) => {
 *   leakCheck(t);
 *   await drain(pipe(range(0, 3), map(save)));
 * });
 */
export function leakCheck(t: { after(fn: () => unknown): unknown }): LeakScope {
  if (typeof t?.after !== 'function')
    throw new TypeError('leakCheck needs a test context with after(fn), as node:test gives');
  const scope = new LeakScope();
  t.after(() => scope.check());
  return scope;
}
