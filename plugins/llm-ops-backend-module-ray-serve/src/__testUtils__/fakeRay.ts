import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';

/** An answer of the fake dashboard: a status and a body (objects are sent as JSON). */
export type FakeAnswer = { status?: number; body?: unknown; delayMs?: number };

export type RecordedRequest = {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body?: any;
};

/** A recorded answer of Ray 2.60.0 (see `src/__fixtures__/README.md`), parsed if it is JSON. */
export function fixture(name: string): any {
  const text = fs.readFileSync(
    path.join(__dirname, '..', '__fixtures__', 'ray-2.60.0', name),
    'utf8',
  );
  return name.endsWith('.json') ? JSON.parse(text) : text;
}

/**
 * A local HTTP server standing in for a Ray dashboard: each GET or PUT of
 * `/api/serve/applications/` takes the next scripted answer for that method (the last one
 * repeats), and every request is recorded.
 */
export class FakeRayDashboard {
  readonly requests: RecordedRequest[] = [];
  private readonly answers: Record<string, FakeAnswer[]> = {
    GET: [],
    PUT: [{ status: 200, body: '' }],
  };
  private server?: http.Server;

  /** Scripts the answers to GET /api/serve/applications/, in order. */
  onGet(...answers: FakeAnswer[]): this {
    this.answers.GET = answers;
    return this;
  }

  /** Scripts the answers to PUT /api/serve/applications/, in order. */
  onPut(...answers: FakeAnswer[]): this {
    this.answers.PUT = answers;
    return this;
  }

  get puts(): RecordedRequest[] {
    return this.requests.filter(r => r.method === 'PUT');
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        this.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: text ? JSON.parse(text) : undefined,
        });
        if (req.url?.endsWith('/api/ray/version')) {
          this.send(res, { body: { version: '4', ray_version: '2.60.0' } });
          return;
        }
        if (!req.url?.endsWith('/api/serve/applications/')) {
          this.send(res, { status: 404, body: '404: Not Found' });
          return;
        }
        const queue = this.answers[req.method ?? ''] ?? [];
        const answer = queue.length > 1 ? queue.shift()! : queue[0];
        if (!answer) {
          this.send(res, { status: 405, body: 'Method Not Allowed' });
          return;
        }
        const send = () => this.send(res, answer);
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise(resolve => this.server!.close(resolve));
  }

  private send(res: http.ServerResponse, answer: FakeAnswer) {
    const status = answer.status ?? 200;
    if (typeof answer.body === 'string') {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(answer.body);
    } else {
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
      });
      res.end(JSON.stringify(answer.body ?? {}));
    }
  }
}

/** A port on loopback where nothing listens (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}
