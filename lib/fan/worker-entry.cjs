'use strict';
// The module every workerMap thread runs (piscina's `filename`): it loads the user's worker module
// from `workerData`, calls its export, and turns a thrown error into a plain object. Plain JS, not
// TypeScript, so a thread loads it without a loader (under jest, tsx or from dist alike); the
// build copies it next to worker-map.js in dist/esm and dist/cjs.
//
// Why serialize here: structured clone keeps an Error's message and stack but drops `code`,
// `errno`, `syscall`, `path` and every other own property, and a custom class arrives as a bare
// Error. `reviveWorkerError` (worker-error.ts) rebuilds the error on the main thread.
const { workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');

/** Marks a serialized error, so a thrown plain object of the user's is never mistaken for one. */
const BRAND = 'sluice.workerError';
/** How deep `cause` and `errors` chains are followed; a cycle stops here too. */
const MAX_DEPTH = 8;

const { filename, exportName } = workerData;
let handler;

/** Finds the export as piscina does: `module.exports = fn`, then `exportName` of require, then of import. */
async function load() {
  let mod;
  try {
    mod = require(filename);
  } catch {
    mod = undefined;
  }
  let fn = typeof mod === 'function' && exportName === 'default' ? mod : mod?.[exportName];
  if (typeof fn !== 'function') {
    mod = await import(pathToFileURL(filename).href);
    fn = mod[exportName];
  }
  // The prefix is what worker-map's `explain` recognizes (piscina's own wording).
  if (typeof fn !== 'function') throw new Error(`No handler function exported from ${filename}`);
  return fn;
}

function isError(value) {
  return (
    value instanceof Error ||
    (typeof value === 'object' &&
      value !== null &&
      typeof value.message === 'string' &&
      typeof value.stack === 'string')
  );
}

/** A value that survives postMessage as it is, or a stand-in that says what it was. */
function cloneable(value, depth) {
  if (isError(value)) return serialize(value, depth + 1);
  try {
    structuredClone(value);
    return value;
  } catch {
    return `[uncloneable ${typeof value === 'function' ? 'function' : Object.prototype.toString.call(value)}]`;
  }
}

function serialize(error, depth = 0) {
  if (depth > MAX_DEPTH) return `${error.name}: ${error.message}`;
  const fields = {};
  for (const key of Object.keys(error)) fields[key] = cloneable(error[key], depth);
  const out = { [BRAND]: true, name: String(error.name), message: error.message, stack: error.stack, fields };
  if ('cause' in error) out.cause = cloneable(error.cause, depth);
  if (Array.isArray(error.errors)) out.errors = error.errors.map((inner) => cloneable(inner, depth));
  return out;
}

module.exports = async function runTask(value) {
  try {
    handler ??= await load();
    return await handler(value);
  } catch (error) {
    throw isError(error) ? serialize(error) : cloneable(error, 0);
  }
};
