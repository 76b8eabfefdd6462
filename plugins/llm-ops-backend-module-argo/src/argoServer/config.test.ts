import { ConfigReader } from '@backstage/config';
import { readArgoServers } from './config';

const read = (argo: unknown) =>
  readArgoServers(new ConfigReader({ llmOps: { argo } } as any));

describe('readArgoServers', () => {
  it('reads the servers with their defaults', () => {
    expect(
      read({
        servers: [
          {
            name: 'main',
            baseUrl: 'https://argo.example.com:2746/',
            token: 'secret',
          },
          {
            name: 'lab',
            baseUrl: 'http://argo.lab:2746',
            defaultNamespace: 'argo',
            caData: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----',
            timeoutMs: 5000,
          },
        ],
      }),
    ).toEqual([
      {
        name: 'main',
        baseUrl: 'https://argo.example.com:2746',
        token: 'secret',
        defaultNamespace: 'default',
      },
      {
        name: 'lab',
        baseUrl: 'http://argo.lab:2746',
        defaultNamespace: 'argo',
        caData: Buffer.from(
          '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----',
        ).toString('base64'),
        timeoutMs: 5000,
      },
    ]);
    expect(readArgoServers(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [{}, "'llmOps.argo.servers'"],
    [{ servers: [{ baseUrl: 'https://a' }] }, "'llmOps.argo.servers[0].name'"],
    [{ servers: [{ name: 'a' }] }, "'llmOps.argo.servers[0].baseUrl'"],
    [
      { servers: [{ name: 'a', baseUrl: 'ftp://a' }] },
      'expected https or http',
    ],
    [
      { servers: [{ name: 'a', baseUrl: 'https://u:p@a' }] },
      'contains credentials',
    ],
    [
      {
        servers: [
          { name: 'a', baseUrl: 'https://a' },
          { name: 'a', baseUrl: 'https://b' },
        ],
      },
      "Duplicate Argo Server name 'a'",
    ],
    [
      { servers: [{ name: 'a', baseUrl: 'https://a', timeoutMs: 0 }] },
      'timeoutMs',
    ],
  ])('rejects %j', (argo, message) => {
    expect(() => read(argo)).toThrow(message);
  });
});
