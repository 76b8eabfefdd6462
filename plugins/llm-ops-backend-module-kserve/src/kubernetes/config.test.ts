import { ConfigReader } from '@backstage/config';
import { readKubernetesClusters } from './config';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const b64 = Buffer.from(pem).toString('base64');

function read(kubernetes: unknown) {
  return readKubernetesClusters(
    new ConfigReader({ llmOps: { kubernetes } } as any),
  );
}

describe('readKubernetesClusters', () => {
  it('reads several clusters, by kubeconfig file or inline', () => {
    expect(
      read({
        clusters: [
          {
            name: 'prod',
            url: 'https://k8s.example.com:6443/',
            caData: b64,
            token: 'secret-token',
            defaultNamespace: 'models',
          },
          { name: 'dev', kubeconfigPath: '/etc/llm-ops/dev.kubeconfig' },
          {
            name: 'lab.1',
            url: 'https://10.0.0.1:6443',
            caData: pem,
            clientCertData: b64,
            clientKeyData: pem,
          },
        ],
      }),
    ).toEqual([
      {
        name: 'prod',
        url: 'https://k8s.example.com:6443',
        caData: b64,
        token: 'secret-token',
        defaultNamespace: 'models',
      },
      { name: 'dev', kubeconfigPath: '/etc/llm-ops/dev.kubeconfig' },
      {
        name: 'lab.1',
        url: 'https://10.0.0.1:6443',
        // A PEM as is becomes the base64 a kubeconfig holds.
        caData: Buffer.from(pem.trim()).toString('base64'),
        clientCertData: b64,
        clientKeyData: Buffer.from(pem.trim()).toString('base64'),
      },
    ]);
  });

  it('reads no clusters without llmOps.kubernetes', () => {
    expect(readKubernetesClusters(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [{}, "'llmOps.kubernetes.clusters'"],
    [
      { clusters: [{ url: 'https://x' }] },
      "'llmOps.kubernetes.clusters[0].name'",
    ],
    [{ clusters: [{ name: 'a' }] }, "'llmOps.kubernetes.clusters[0].url' or"],
    [
      { clusters: [{ name: 'bad name', url: 'https://x' }] },
      "Invalid cluster name 'bad name'",
    ],
    [
      {
        clusters: [
          { name: 'a', url: 'https://x' },
          { name: 'a', url: 'https://y' },
        ],
      },
      "Duplicate cluster name 'a' at 'llmOps.kubernetes.clusters[1].name'",
    ],
    [
      { clusters: [{ name: 'a', kubeconfigPath: '/k', token: 't' }] },
      "Both 'llmOps.kubernetes.clusters[0].kubeconfigPath' and 'llmOps.kubernetes.clusters[0].token'",
    ],
    [
      { clusters: [{ name: 'a', url: 'https://x', clientCertData: b64 }] },
      "'llmOps.kubernetes.clusters[0].clientKeyData'",
    ],
    [
      { clusters: [{ name: 'a', url: 'ftp://x' }] },
      "Invalid URL at 'llmOps.kubernetes.clusters[0].url'",
    ],
    [
      { clusters: [{ name: 'a', url: 'https://u:p@x' }] },
      'contains credentials',
    ],
    [
      { clusters: [{ name: 'a', url: 'https://x', caData: 'bm90IGEgcGVt' }] },
      "'llmOps.kubernetes.clusters[0].caData'; expected base64 of a PEM",
    ],
    [
      {
        clusters: [{ name: 'a', url: 'https://x', defaultNamespace: 'Models' }],
      },
      "Invalid namespace 'Models'",
    ],
  ])('rejects %j', (kubernetes, message) => {
    expect(() => read(kubernetes)).toThrow(message);
  });

  it('keeps secrets out of its messages', () => {
    let message = '';
    try {
      read({
        clusters: [
          { name: 'a', url: 'https://x', clientKeyData: 'c2VjcmV0LWtleQ==' },
        ],
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('clientKeyData');
    expect(message).not.toContain('c2VjcmV0LWtleQ==');
  });
});
