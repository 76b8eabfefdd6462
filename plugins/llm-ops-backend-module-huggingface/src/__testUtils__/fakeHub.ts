import http from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A small stand-in for the Hugging Face Hub, for what olah (the real Hub-compatible server the
 * other tests use) cannot do: list models by author (olah has no /api/models search), refuse a
 * token with 401 (olah in offline mode checks none), answer 429 with rate-limit headers, and page
 * with Link headers. The real Hub is unreachable from the project's machines.
 *
 * Every response follows the Hub's documented API (https://huggingface.co/docs/hub/api):
 * - GET /api/models?author=&limit=&expand=… answers a JSON array and, when there is more, a
 *   `Link: <…&cursor=…>; rel="next"` header (the Hub pages with an opaque cursor);
 * - GET /api/models/{org}/{name}/revision/{rev}?expand=… answers the model's info, limited to the
 *   expanded fields plus `_id` and `id`;
 * - GET /{org}/{name}/resolve/{rev}/README.md answers the file;
 * - GET /api/whoami-v2 answers the token's owner;
 * - a wrong token gets 401 with `{"error": …}` and a 429 carries `RateLimit: "api";r=0;t=<s>` and
 *   `RateLimit-Policy: "fixed window";"api";q=<n>;w=300`
 *   (https://huggingface.co/docs/hub/rate-limits), plus `Retry-After` when a test asks for it.
 */

export type FakeModel = {
  id: string;
  sha: string;
  lastModified: string;
  createdAt: string;
  pipeline_tag?: string;
  library_name?: string;
  tags: string[];
  gated: false | 'auto' | 'manual';
  private: boolean;
  cardData?: Record<string, unknown>;
  readme?: string;
};

/** The page size the fake uses for listings, small so that two models already need two pages. */
export const FAKE_PAGE_SIZE = 2;

export async function startFakeHub(options: {
  models: FakeModel[];
  /** The one token the fake accepts; without it, anonymous requests are allowed. */
  token?: string;
}) {
  const requests: { method: string; path: string; authorized: boolean }[] = [];
  /** Scripted 429s: each request takes the next one until none are left. */
  const rateLimits: { reset: number; retryAfter?: string }[] = [];
  let base = '';
  let rateLimitForever: { reset: number; retryAfter?: string } | undefined;

  const send = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const auth = req.headers.authorization;
    requests.push({
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      authorized: auth !== undefined,
    });
    const limit = rateLimitForever ?? rateLimits.shift();
    if (limit) {
      send(
        res,
        429,
        { error: 'You have exceeded our rate limit' },
        {
          RateLimit: `"api";r=0;t=${limit.reset}`,
          'RateLimit-Policy': '"fixed window";"api";q=500;w=300',
          ...(limit.retryAfter ? { 'Retry-After': limit.retryAfter } : {}),
        },
      );
      return;
    }
    if (auth !== undefined && auth !== `Bearer ${options.token}`) {
      send(res, 401, {
        error: 'Invalid credentials in Authorization header',
      });
      return;
    }
    if (url.pathname === '/api/whoami-v2') {
      if (!auth) {
        send(res, 401, {
          error: 'Invalid credentials in Authorization header',
        });
        return;
      }
      send(res, 200, {
        type: 'user',
        name: 'tester',
        auth: { type: 'access_token' },
      });
      return;
    }
    if (url.pathname === '/api/models') {
      const author = url.searchParams.get('author');
      const all = options.models.filter(m => m.id.startsWith(`${author}/`));
      const start = Number(url.searchParams.get('cursor') ?? '0');
      const page = all.slice(start, start + FAKE_PAGE_SIZE);
      const headers: Record<string, string> = {};
      if (start + FAKE_PAGE_SIZE < all.length) {
        const next = new URL(url);
        next.searchParams.set('cursor', String(start + FAKE_PAGE_SIZE));
        headers.Link = `<${next.href}>; rel="next"`;
      }
      send(
        res,
        200,
        page.map(m => info(m, url.searchParams)),
        headers,
      );
      return;
    }
    const revision = url.pathname.match(
      /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/,
    );
    if (revision) {
      const model = options.models.find(m => m.id === revision[1]);
      if (!model) {
        send(res, 404, { error: 'Repository not found' });
        return;
      }
      send(res, 200, info(model, url.searchParams));
      return;
    }
    const resolve = url.pathname.match(
      /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/README\.md$/,
    );
    if (resolve) {
      const model = options.models.find(m => m.id === resolve[1]);
      if (!model?.readme) {
        send(res, 404, { error: 'Entry not found' });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(model.readme);
      return;
    }
    send(res, 404, { error: 'Not found' });
  });

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    /** The next requests answer 429 with these reset times (seconds), one each. */
    rateLimitNext: (...limits: { reset: number; retryAfter?: string }[]) => {
      rateLimits.push(...limits);
    },
    /** Every request answers 429 from now on. */
    rateLimitForever: (reset: number) => {
      rateLimitForever = { reset };
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The Hub's answer with `expand`: only the fields asked for, plus `_id` and `id`. */
function info(model: FakeModel, query: URLSearchParams) {
  const expand = query.getAll('expand');
  const all: Record<string, unknown> = { ...model };
  delete all.readme;
  const answer: Record<string, unknown> = {
    _id: `id-${model.id}`,
    id: model.id,
  };
  for (const key of expand) if (key in all) answer[key] = all[key];
  return answer;
}
