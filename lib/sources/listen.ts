import { describe } from '../util/validate.js';

/** The part of Node's `EventEmitter` that `fromEvents` uses. */
export interface EventEmitterLike {
  /** Adds `listener` for the `name` events. */
  on(name: string | symbol, listener: (...args: any[]) => void): unknown;
  /** Removes a listener added with `on`. */
  removeListener(name: string | symbol, listener: (...args: any[]) => void): unknown;
}

/** A Node `EventEmitter` or a DOM `EventTarget`. */
export type EventSource = EventEmitterLike | EventTarget;

/** Adds a listener for `name` and returns its removal; `fn` gets the event (or the first argument). */
export type Listen = (name: string | symbol, fn: (value: unknown) => void) => () => void;

/** How to listen to `target`, or a `TypeError` naming what was passed. */
export function listenerOf(target: unknown): { listen: Listen; emitter: boolean } {
  const candidate = target as Partial<EventTarget & EventEmitterLike> | null;
  if (candidate !== null && typeof candidate === 'object') {
    if (
      typeof candidate.addEventListener === 'function' &&
      typeof candidate.removeEventListener === 'function'
    ) {
      const eventTarget = target as EventTarget;
      return {
        emitter: false,
        listen: (name, fn) => {
          const type = String(name);
          eventTarget.addEventListener(type, fn);
          return () => eventTarget.removeEventListener(type, fn);
        },
      };
    }
    if (typeof candidate.on === 'function' && typeof candidate.removeListener === 'function') {
      const emitter = target as EventEmitterLike;
      return {
        emitter: true,
        listen: (name, fn) => {
          // Only the first argument is kept: one value per event, as an EventTarget gives.
          const listener = (value: unknown): void => fn(value);
          emitter.on(name, listener);
          return () => void emitter.removeListener(name, listener);
        },
      };
    }
  }
  throw new TypeError(`Expected \`target\` to be an EventEmitter or an EventTarget, got ${describe(target)}`);
}
