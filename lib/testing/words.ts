import type { Resource } from '../util/registry.js';
import { userSite } from './site.js';

/** A resource in the user's words, and the place in the user's code that started it. */
export interface Described {
  what: string;
  site: string | undefined;
}

/** `tee(2)` → `tee`; `pipe segment` → `pipe`: the name a user typed. */
function operator(label: string): string {
  return label.replace(/\(\d+\)$/, '').replace(/ segment$/, '');
}

function stage(resource: Resource, as: 'leak' | 'waiting'): string {
  const { label } = resource;
  const output = /^(\w+)\(\d+\) (output \d+ of \d+)$/.exec(label);
  const name = output ? `${output[1]} ${output[2]}` : operator(label);
  const detail = resource.detail?.();
  // The words of `dumpPipelines()`: the stage, its state, what it waits on.
  if (as === 'waiting') return `${name}: waiting-upstream (a next() on it is pending and nothing has come)`;
  if (detail !== undefined) return `${name} ${detail}`;
  if (label === 'pipe segment') return 'the first stages of a pipe were still running';
  return `${name} was left open (neither read to its end nor returned)`;
}

/** Words for what the ledger holds, for leak reports and deadlock dumps. */
export function describeResource(resource: Resource, as: 'leak' | 'waiting' = 'leak'): Described {
  const site = userSite(resource.stack);
  const { kind, label } = resource;
  switch (kind) {
    case 'stage':
      return { what: stage(resource, as), site };
    case 'source': {
      const closing = /^(.*): source still closing after the stage ended$/.exec(label);
      const by = closing ? operator(closing[1]) : label;
      return { what: `the source given to ${by} was still closing (its return() had not settled)`, site };
    }
    case 'timer':
      return { what: `the ${label} timer was still pending`, site };
    case 'listener':
      return { what: `an abort listener of ${label} was still on its signal`, site };
    case 'worker':
      return { what: `${label} was still running`, site };
    case 'wait':
      return { what: `${label} is waiting`, site };
  }
}
