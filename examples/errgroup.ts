// errgroup: fetch several things at once, at most two at a time; the first error cancels the rest.
//
//   g, ctx := errgroup.WithContext(ctx)
//   g.SetLimit(2)
//   for _, url := range urls { g.Go(func() error { return fetch(ctx, url) }) }
//   if err := g.Wait(); err != nil { ... }
import { after, Group } from 'sluice';

async function fetchPage(url: string, signal: AbortSignal): Promise<string> {
  await after(20 + url.length * 5, { signal }); // stands in for network I/O
  if (url.includes('broken')) throw new Error(`404 ${url}`);
  return `<html>${url}</html>`;
}

async function fetchAll(urls: string[]): Promise<Map<string, string>> {
  const pages = new Map<string, string>();
  const group = new Group({ limit: 2 });
  for (const url of urls) {
    await group.go(async (signal) => {
      pages.set(url, await fetchPage(url, signal));
    });
  }
  await group.wait();
  return pages;
}

console.log('ok:', [...(await fetchAll(['a.example', 'b.example', 'c.example'])).keys()]);
try {
  await fetchAll(['a.example', 'broken.example', 'slow-but-cancelled.example']);
} catch (error) {
  console.log('first error:', (error as Error).message);
}
