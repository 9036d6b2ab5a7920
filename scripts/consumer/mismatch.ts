// Must not compile: the third stage takes strings, the second yields numbers. The matrix checks
// that each compiler's message names both types.
import { map, pipe, range, type Stage } from 'sluice';

declare const shout: Stage<string, string>;
export const wrong = pipe(
  range(0, 3),
  map((n) => n + 1),
  shout,
);
