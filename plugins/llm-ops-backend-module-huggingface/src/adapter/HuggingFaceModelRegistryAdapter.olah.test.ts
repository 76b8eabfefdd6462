import { HUGGING_FACE_DEFAULTS, type HuggingFaceHubConfig } from '../config';
import {
  createFixtureRepo,
  describeWithOlah,
  lfsPointer,
  olahUrl,
  removeFixtureOrg,
  uniqueOrg,
} from '../__testUtils__/olah';
import { startRecordingProxy } from '../__testUtils__/recordingProxy';
import { HuggingFaceModelRegistryAdapter } from './HuggingFaceModelRegistryAdapter';

const README_V1 = [
  '---',
  'license: apache-2.0',
  'pipeline_tag: text-generation',
  'library_name: transformers',
  'tags:',
  '- llm',
  '- fixture',
  '---',
  '',
  '# Tiny model',
  '',
  'A tiny fixture model that answers',
  'every question with hello.',
  '',
  '## Usage',
  '',
  'Do not.',
  '',
].join('\n');
const README_V3 = README_V1.replace(
  'A tiny fixture model',
  'An improved tiny fixture model',
);
const CONFIG_JSON = '{"architectures":["TinyForCausalLM"],"hidden_size":8}\n';
const WEIGHTS_SIZE = 123_456_789;
const WEIGHTS_POINTER = lfsPointer('fake weights', WEIGHTS_SIZE);

describeWithOlah('HuggingFaceModelRegistryAdapter against olah', () => {
  const org = uniqueOrg('hf');
  const repo = `${org}/tiny`;
  const history = `${org}/history`;
  let shas: string[];
  let historyShas: string[];
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;

  const adapter = (extra: Partial<HuggingFaceHubConfig> = {}) =>
    new HuggingFaceModelRegistryAdapter({
      name: 'olah',
      url: proxy.url,
      models: [repo],
      authors: [],
      maxRevisions: HUGGING_FACE_DEFAULTS.maxRevisions,
      ...extra,
    });

  beforeAll(async () => {
    shas = createFixtureRepo(org, 'tiny', [
      {
        title: 'Initial commit',
        files: { 'README.md': README_V1, 'config.json': CONFIG_JSON },
        date: '2026-01-02T03:04:05',
      },
      {
        title: 'Add weights\n\nUploaded with the fixture builder.',
        files: {
          'model.safetensors': WEIGHTS_POINTER,
          'tokenizer/vocab.txt': 'hello\n',
        },
        date: '2026-02-03T04:05:06',
      },
      {
        title: 'Improve the card',
        files: { 'README.md': README_V3 },
        date: '2026-03-04T05:06:07',
      },
    ]);
    historyShas = createFixtureRepo(
      org,
      'history',
      Array.from({ length: 12 }, (_, i) => ({
        title: `Step ${i + 1}`,
        files: { 'step.txt': `${i + 1}\n` },
        date: `2026-04-${String(i + 1).padStart(2, '0')}T00:00:00`,
      })),
    );
    proxy = await startRecordingProxy(olahUrl!);
  });

  afterAll(async () => {
    await proxy?.close();
    removeFixtureOrg(org);
  });

  it('imports a model by repo id: card summary, tags, link and the main alias', async () => {
    const page = await adapter().listModels({});
    expect(page).toEqual({
      items: [
        {
          externalId: repo,
          name: repo,
          description:
            'An improved tiny fixture model that answers every question with hello.',
          tags: {
            'huggingface.license': 'apache-2.0',
            'huggingface.task': 'text-generation',
            'huggingface.library': 'transformers',
            'huggingface.tags': 'llm,fixture',
            'huggingface.gated': 'false',
            'huggingface.private': 'false',
          },
          aliases: { main: shas[2].slice(0, 12) },
          createdAt: Date.parse('2026-01-02T03:04:05Z'),
          updatedAt: Date.parse('2026-03-04T05:06:07Z'),
          url: `${proxy.url}/${repo}`,
        },
      ],
    });
  });

  it('lists the commits of the default branch as versions, newest first, with their files', async () => {
    const page = await adapter().listVersions(repo);
    expect(page.nextPageToken).toBeUndefined();
    expect(page.items.map(v => [v.version, v.description, v.aliases])).toEqual([
      [shas[2].slice(0, 12), 'Improve the card', ['main']],
      [shas[1].slice(0, 12), 'Add weights', []],
      [shas[0].slice(0, 12), 'Initial commit', []],
    ]);
    const [, weights, initial] = page.items;
    expect(weights).toMatchObject({
      externalId: `${repo}@${shas[1]}`,
      modelName: repo,
      artifactUri: `hf://${repo}@${shas[1]}`,
      url: `${proxy.url}/${repo}/tree/${shas[1]}`,
      status: 'READY',
      createdAt: Date.parse('2026-02-03T04:05:06Z'),
    });
    expect(
      [...weights.files!].sort((a, b) => (a.path < b.path ? -1 : 1)),
    ).toEqual([
      {
        path: 'README.md',
        sizeBytes: Buffer.byteLength(README_V1),
        lfs: false,
      },
      {
        path: 'config.json',
        sizeBytes: Buffer.byteLength(CONFIG_JSON),
        lfs: false,
      },
      { path: 'model.safetensors', sizeBytes: WEIGHTS_SIZE, lfs: true },
      { path: 'tokenizer/vocab.txt', sizeBytes: 6, lfs: false },
    ]);
    expect(initial.files!.map(f => f.path).sort()).toEqual([
      'README.md',
      'config.json',
    ]);
  });

  it('keeps only the newest maxRevisions commits', async () => {
    const page = await adapter({ maxRevisions: 2 }).listVersions(repo);
    expect(page.items.map(v => v.externalId)).toEqual([
      `${repo}@${shas[2]}`,
      `${repo}@${shas[1]}`,
    ]);
  });

  it('pages through a longer history from the commit it started at', async () => {
    const hub = adapter({ models: [history] });
    const first = await hub.listVersions(history);
    expect(first.items).toHaveLength(10);
    expect(first.items[0].version).toBe(historyShas[11].slice(0, 12));
    const second = await hub.listVersions(history, first.nextPageToken);
    expect(second.nextPageToken).toBeUndefined();
    expect(second.items.map(v => v.description)).toEqual(['Step 2', 'Step 1']);
  });

  it('leaves out models not modified since updatedSince, before reading their card', async () => {
    const before = proxy.requests.length;
    const page = await adapter().listModels({
      updatedSince: Date.parse('2026-03-05T00:00:00Z'),
    });
    expect(page.items).toEqual([]);
    expect(
      proxy.requests.slice(before).filter(r => r.includes('/resolve/')),
    ).toEqual([]);
  });

  it('reports health, and a clear error for a repository the hub does not have', async () => {
    await expect(adapter().checkHealth()).resolves.toMatchObject({
      state: 'up',
    });
    const missing = adapter({ models: [`${org}/absent`] });
    await expect(missing.listModels({})).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining(
        `Reading the model ${org}/absent failed`,
      ),
    });
    await expect(missing.checkHealth()).resolves.toMatchObject({
      state: 'degraded',
    });
  });

  it('never downloads a file other than README.md', () => {
    const resolves = proxy.requests.filter(r => r.includes('/resolve/'));
    expect(resolves.length).toBeGreaterThan(0);
    for (const request of resolves) {
      expect(request).toMatch(
        /^GET \/[^/]+\/[^/]+\/resolve\/[0-9a-f]{40}\/README\.md$/,
      );
    }
    expect(proxy.requests.some(r => r.includes('model.safetensors'))).toBe(
      false,
    );
  });
});
