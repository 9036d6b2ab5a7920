/**
 * The main-thread half of workerMap's error transport (the worker half is worker-entry.cjs): turns
 * the plain object a thread threw back into an `Error` with the same name, message, stack, `cause`
 * and own enumerable fields (`code`, `errno`, `syscall`, `path`…), so `err.code === 'ENOENT'` keeps
 * matching across the thread boundary.
 */

const BRAND = 'sluice.workerError';

interface SerializedError {
  [BRAND]: true;
  name: string;
  message: string;
  stack: string | undefined;
  fields: Record<string, unknown>;
  cause?: unknown;
  errors?: unknown[];
}

// Built-in classes are rebuilt as themselves, so `instanceof TypeError` holds; any other class
// arrives as an Error carrying the class's `name` (its prototype cannot cross a thread).
const builtIns: Record<string, ErrorConstructor> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

function isSerialized(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[BRAND] === true;
}

/** Rebuilds a serialized worker error; any other value is returned as it is. */
export function reviveWorkerError(value: unknown): unknown {
  if (!isSerialized(value)) return value;
  const { name, message, stack, fields } = value;
  const error: Error =
    name === 'AggregateError'
      ? new AggregateError((value.errors ?? []).map(reviveWorkerError), message)
      : new (builtIns[name] ?? Error)(message);
  if (error.name !== name) define(error, 'name', name);
  define(error, 'stack', stack);
  if ('cause' in value) define(error, 'cause', reviveWorkerError(value.cause));
  for (const [key, field] of Object.entries(fields))
    (error as unknown as Record<string, unknown>)[key] = reviveWorkerError(field);
  return error;
}

/** As the engine defines `name`, `stack` and `cause`: own, writable, not enumerable. */
function define(error: Error, key: string, value: unknown): void {
  Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: false });
}
