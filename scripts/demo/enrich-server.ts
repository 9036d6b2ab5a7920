// The demo's "remote" service: a local HTTP server on 127.0.0.1 (a free port) that answers
// /customers/<id> with the customer's tier and region after `delayMs`, as a real lookup would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EnrichServer {
  url: string;
  close(): Promise<void>;
}

const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const REGIONS = ['eu-west', 'us-east', 'ap-south'];

export async function startEnrichServer(delayMs: number): Promise<EnrichServer> {
  const server: Server = createServer((request, response) => {
    const id = Number(/^\/customers\/(\d+)$/.exec(request.url ?? '')?.[1] ?? NaN);
    const timer = setTimeout(() => {
      if (!Number.isInteger(id)) {
        response.writeHead(404).end();
        return;
      }
      const body = JSON.stringify({ tier: TIERS[id % TIERS.length], region: REGIONS[id % REGIONS.length] });
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }, delayMs);
    request.once('close', () => clearTimeout(timer)); // the client gave up: nothing to answer
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
