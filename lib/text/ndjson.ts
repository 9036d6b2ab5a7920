import { engineStage } from '../core/define-stage.js';
import { LineEngine, SKIP } from './line-engine.js';
import { maxLengthOption, type LinesOptions } from './lines.js';
import type { Stage } from '../core/types.js';

/**
 * Parses newline-delimited JSON: splits `string | Uint8Array` chunks into lines as `lines` does and
 * yields `JSON.parse` of each, skipping blank lines. A line that does not parse fails the stage
 * with a `SyntaxError` whose message names its 1-based line number and whose `cause` is the
 * parser's error; a line longer than `maxLength` characters, with a `RangeError`. Reads one chunk
 * ahead of demand at most and holds at most one partial line. End, abort and `break` as `lines`.
 *
 * @example
 * for await (const event of pipe(createReadStream('events.ndjson'), ndjson<Event>(), { signal })) {
 *   handle(event);
 * }
 */
export function ndjson<T = unknown>(options: LinesOptions = {}): Stage<string | Uint8Array, T> {
  const maxLength = maxLengthOption(options);
  return engineStage(
    (source, { signal }) =>
      new LineEngine<T>(source, signal, 'ndjson', maxLength, (line, lineNumber) => {
        if (line.trim() === '') return SKIP;
        try {
          return JSON.parse(line) as T;
        } catch (cause) {
          const message = cause instanceof Error ? cause.message : String(cause);
          throw new SyntaxError(`ndjson: line ${lineNumber} is not valid JSON: ${message}`, { cause });
        }
      }).outlet,
  );
}
