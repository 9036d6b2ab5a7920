// The demo's "remote" service: an HTTP server on 127.0.0.1 (a free port) that answers
// /customers/<id> with the customer's tier and region after `delayMs`, as a real lookup would.
// It runs on a worker thread, so the pipeline's CPU-heavy stage does not delay its answers.
import { Worker } from 'node:worker_threads';

export interface EnrichServer {
  url: string;
  close(): Promise<void>;
}

const SERVER = `
const { createServer } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const REGIONS = ['eu-west', 'us-east', 'ap-south'];
const server = createServer((request, response) => {
  const id = Number(/^\\/customers\\/(\\d+)$/.exec(request.url ?? '')?.[1] ?? NaN);
  const timer = setTimeout(() => {
    if (!Number.isInteger(id)) return void response.writeHead(404).end();
    const body = JSON.stringify({ tier: TIERS[id % TIERS.length], region: REGIONS[id % REGIONS.length] });
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  }, workerData.delayMs);
  request.once('close', () => clearTimeout(timer)); // the client gave up: nothing to answer
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.once('message', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
`;

export async function startEnrichServer(delayMs: number): Promise<EnrichServer> {
  const worker = new Worker(SERVER, { eval: true, workerData: { delayMs } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('close');
      await exited;
    },
  };
}
