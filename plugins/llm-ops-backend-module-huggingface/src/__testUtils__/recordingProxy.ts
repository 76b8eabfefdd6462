import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of a real server that records every request (method and
 * path with query), so that tests can prove what the adapter asked for: that it never fetched a
 * file other than README.md through `/resolve/`. Redirects that point at the server are rewritten
 * to point at the proxy, so that no follow-up request slips past the record.
 */
export async function startRecordingProxy(target: string) {
  const upstream = new URL(target);
  const requests: string[] = [];
  let url = '';
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      answer => {
        const headers = { ...answer.headers };
        if (typeof headers.location === 'string') {
          headers.location = headers.location.replace(upstream.origin, url);
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
