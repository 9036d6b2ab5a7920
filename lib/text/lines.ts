import { engineStage } from '../core/define-stage.js';
import { assertCount, assertOptions } from '../util/validate.js';
import { LineEngine } from './line-engine.js';
import type { Stage } from '../core/types.js';

/** Options of `lines` and `ndjson`. */
export interface LinesOptions {
  /** Longest line accepted, in characters, terminator excluded. @default 1_048_576 */
  maxLength?: number | undefined;
}

/** `maxLength`, checked. */
export function maxLengthOption(options: LinesOptions): number {
  assertOptions('options', options);
  const { maxLength = 1_048_576 } = options;
  assertCount('maxLength', maxLength, 1, true);
  return maxLength;
}

/**
 * Splits a stream of `string | Uint8Array` chunks (a Node `Readable`, `fs.createReadStream`, a
 * WHATWG stream, `fetch`'s body) into lines, without their `\n` or `\r\n` terminator. Bytes are
 * decoded as UTF-8, a character or a line split across chunks is joined, a last line without a
 * newline is yielded, and an empty input yields nothing. It reads one chunk ahead of demand at most
 * and holds at most one partial line: a line longer than `maxLength` characters fails the stage
 * with a `RangeError` naming its 1-based line number, before the rest of it is read.
 *
 * End, error, abort and `break` as `map`: the source is returned (a file stream is closed).
 *
 * @example
 * for await (const line of pipe(createReadStream('access.log'), lines(), { signal })) count(line);
 */
export function lines(options: LinesOptions = {}): Stage<string | Uint8Array, string> {
  const maxLength = maxLengthOption(options);
  return engineStage(
    (source, { signal }) => new LineEngine<string>(source, signal, 'lines', maxLength, (line) => line).outlet,
  );
}
