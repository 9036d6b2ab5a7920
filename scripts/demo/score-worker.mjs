// The demo's CPU-heavy stage, on a worker thread (workerMap): about a millisecond of hashing per
// record, a stand-in for a fraud model. Plain JavaScript, so the worker loads it without tsx.
import { createHash } from 'node:crypto';

export default function score(order) {
  let digest = order.note;
  for (let i = 0; i < 1000; i++) digest = createHash('sha256').update(digest).digest('hex');
  return { ...order, score: parseInt(digest.slice(0, 4), 16) / 0xffff };
}
