import { isLeaseSource } from './lease.js';
import { isLeasedPipeline } from './pipeline.js';

/**
 * For the combinators that do not carry acknowledgements (`zip`, `concat`): a source with
 * `ack: 'auto'` is refused, since reading it as a plain source would acknowledge each message as
 * soon as the combinator took the next, before its readers were done.
 * @internal
 */
export function refuseLeases(name: string, sources: readonly unknown[]): void {
  sources.forEach((source, i) => {
    if (isLeaseSource(source) || isLeasedPipeline(source))
      throw new TypeError(
        `Expected the sources of ${name} not to be broker sources with \`ack: 'auto'\` (it cannot carry ` +
          `acknowledgements), got one at position ${i + 1}; use \`ack: 'manual'\` and \`message.ack()\``,
      );
  });
}
