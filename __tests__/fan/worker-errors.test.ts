import { join } from 'node:path';
import { collect, pipe } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { workerMap } from '../../lib/fan/worker-map.js';

useLeakCheck();

const fixture = (name: string): string => join(__dirname, '..', 'fixtures', name);
const failure = (file: string, value: unknown, exportName?: string): Promise<any> =>
  collect(pipe([value], workerMap(fixture(file), { concurrency: 1, exportName }))).then(
    () => {
      throw new Error('expected the stage to fail');
    },
    (error: unknown) => error,
  );

describe('workerMap errors across the thread boundary', () => {
  it('keeps an fs error’s code, errno, syscall and path, so `err.code === "ENOENT"` still matches', async () => {
    const error = await failure('fs-error.cjs', false);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'Error',
      code: 'ENOENT',
      errno: expect.any(Number),
      syscall: 'open',
      path: fixture('no-such-file.txt'),
    });
    expect(error.message).toContain('ENOENT: no such file or directory');
    expect(error.stack).toContain('readMissing');
    expect(error.stack).toContain('fs-error.cjs');
  });

  it('rebuilds the `cause` chain recursively, fields included', async () => {
    const error = await failure('fs-error.cjs', true);
    expect(error.message).toBe('could not load the settings');
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause.message).toBe('while starting');
    expect(error.cause.cause).toBeInstanceOf(Error);
    expect(error.cause.cause).toMatchObject({ code: 'ENOENT', syscall: 'open' });
    expect(Object.keys(error)).not.toContain('cause'); // not enumerable, as the engine defines it
  });

  it('delivers a custom class as an Error with the same name, message, stack and own fields', async () => {
    const error = await failure('custom-error.mjs', { id: 7, ok: false });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('bad value 7');
    expect(error.stack).toContain('validate');
    expect(error.stack).toContain('custom-error.mjs');
    expect(error.field).toBe('id');
    expect(error.details).toEqual({ limits: [1, 10], at: new Date(0) });
    // A function cannot cross threads: it arrives as a note saying what it was, not as a crash.
    expect(error.callback).toBe('[uncloneable function]');
    expect(String(error)).toBe('ValidationError: bad value 7');
  });

  it('rebuilds built-in classes as themselves, AggregateError with its errors', async () => {
    const error = await failure('custom-error.mjs', null, 'throwsAggregate');
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.message).toBe('both failed');
    expect(error.errors[0]).toBeInstanceOf(TypeError);
    expect(error.errors[1]).toBeInstanceOf(RangeError);
    expect(error.errors.map((inner: Error) => inner.message)).toEqual(['first', 'second']);
  });

  it('passes a thrown non-error value through as it is', async () => {
    await expect(failure('custom-error.mjs', null, 'throwsString')).resolves.toBe('a thrown string');
  });

  it('still yields the results of a worker that succeeds', async () => {
    const ok = [{ id: 1, ok: true }];
    await expect(
      collect(pipe(ok, workerMap(fixture('custom-error.mjs'), { concurrency: 1 }))),
    ).resolves.toEqual(ok);
  });
});

describe('workerMap options', () => {
  it.each([null, 5, 'fast'])(
    'throws a TypeError naming `options` for %p, when the stage is built',
    (options) => {
      expect(() => workerMap(fixture('double.cjs'), options as never)).toThrow(TypeError);
      expect(() => workerMap(fixture('double.cjs'), options as never)).toThrow(/`options`/);
    },
  );
});
