import { get } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { configureRootHttpRouter } from './httpCompression';

// An answer shaped like a raw metric history page, where gzip levels differ clearly in size.
const body = JSON.stringify({
  status: 'success',
  message: '5000 point(s)',
  data: {
    points: Array.from({ length: 5000 }, (_, step) => ({
      step,
      timestamp: 1_760_000_000_000 + step * 1000,
      value: 2.5 * Math.exp(-step / 1250) + ((step * 7919) % 101) / 2000,
    })),
  },
});

describe('configureRootHttpRouter', () => {
  it('keeps the defaults but gzips with level 1', async () => {
    const app = express();
    const middleware = MiddlewareFactory.create({
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
    });
    configureRootHttpRouter({
      middleware,
      // What applyDefaults does with compression: take it from the factory.
      applyDefaults: () => {
        app.use(middleware.compression());
        app.get('/answer', (_req, res) => {
          res.type('json').send(body);
        });
      },
    });
    const server = app.listen(0, '127.0.0.1');
    try {
      await new Promise(resolve => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      // node:http, not fetch: fetch would decode the body, and its raw bytes are measured here.
      const { encoding, compressed } = await new Promise<{
        encoding: string | undefined;
        compressed: Buffer;
      }>((resolve, reject) => {
        get(
          `http://127.0.0.1:${port}/answer`,
          { headers: { 'accept-encoding': 'gzip' } },
          response => {
            const chunks: Buffer[] = [];
            response.on('data', chunk => chunks.push(chunk));
            response.on('end', () =>
              resolve({
                encoding: response.headers['content-encoding'],
                compressed: Buffer.concat(chunks),
              }),
            );
          },
        ).on('error', reject);
      });
      expect(encoding).toBe('gzip');
      expect(gunzipSync(compressed).toString()).toBe(body);
      const level1 = gzipSync(body, { level: 1 }).length;
      const level6 = gzipSync(body, { level: 6 }).length;
      expect(level1).toBeGreaterThan(level6 * 1.03);
      expect(Math.abs(compressed.length - level1)).toBeLessThan(
        (level1 - level6) / 4,
      );
    } finally {
      server.close();
    }
  });
});
