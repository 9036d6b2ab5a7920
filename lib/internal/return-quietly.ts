/**
 * Returns an iterator during a stage's cleanup. The stage is ending for a reason of its own (an
 * error, an abort, the consumer leaving); an error from this return() must not mask that reason,
 * nor leave a waiter unanswered.
 */
export async function returnQuietly(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // Cleanup noise: the reason the stage ended is already on its way to the consumer.
  }
}
