import type { Redis } from 'ioredis';

/**
 * After each Redis test: its stream is deleted, and no connection of sluice's for its group is
 * left open (sluice names its reading connections `sluice:<group>:…`).
 */
export async function cleanUpAfter(redis: Redis, stream: string, group: string): Promise<void> {
  await redis.del(stream);
  const clients = (await redis.call('CLIENT', 'LIST')) as string;
  expect(clients.split('\n').filter((line) => line.includes(`name=sluice:${group}`))).toEqual([]);
}
