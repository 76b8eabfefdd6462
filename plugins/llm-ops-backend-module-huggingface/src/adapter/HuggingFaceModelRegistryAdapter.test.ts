import { HuggingFaceRateLimitError } from '../client/errors';
import type { HuggingFaceHubConfig } from '../config';
import {
  FAKE_PAGE_SIZE,
  startFakeHub,
  type FakeModel,
} from '../__testUtils__/fakeHub';
import { HuggingFaceModelRegistryAdapter } from './HuggingFaceModelRegistryAdapter';

const TOKEN = 'hf_goodTokenForTheFake0123456789';
const BAD_TOKEN = 'hf_badTokenThatMustNotLeak987654';

function fakeModel(id: string, lastModified: string): FakeModel {
  return {
    id,
    sha: `${'a'.repeat(30)}${id.length.toString().padStart(10, '0')}`,
    lastModified,
    createdAt: '2025-01-01T00:00:00.000Z',
    pipeline_tag: 'text-classification',
    library_name: 'transformers',
    tags: ['transformers', 'license:mit', 'region:us'],
    gated: 'manual',
    private: false,
    readme: `---\nlicense: mit\n---\n# ${id}\n\nThe card of ${id}.\n`,
  };
}

const MODELS = [
  fakeModel('acme/one', '2026-05-01T00:00:00.000Z'),
  fakeModel('acme/two', '2026-05-02T00:00:00.000Z'),
  fakeModel('acme/three', '2026-01-03T00:00:00.000Z'),
  fakeModel('acme/four', '2026-05-04T00:00:00.000Z'),
  fakeModel('acme/five', '2026-05-05T00:00:00.000Z'),
  fakeModel('other/solo', '2026-05-06T00:00:00.000Z'),
];

describe('HuggingFaceModelRegistryAdapter against a fake of the Hub API', () => {
  let fake: Awaited<ReturnType<typeof startFakeHub>>;
  let sleeps: number[];

  beforeEach(async () => {
    fake = await startFakeHub({ models: MODELS, token: TOKEN });
    sleeps = [];
  });
  afterEach(() => fake.close());

  const adapter = (extra: Partial<HuggingFaceHubConfig> = {}) =>
    new HuggingFaceModelRegistryAdapter(
      {
        name: 'fake',
        url: fake.url,
        token: TOKEN,
        models: [],
        authors: ['acme'],
        maxRevisions: 20,
        ...extra,
      },
      {
        rateLimit: {
          maxRetries: 3,
          sleep: async ms => {
            sleeps.push(ms);
          },
        },
      },
    );

  it('imports every model of an author across the pages of the Hub listing', async () => {
    const page = await adapter({ models: ['other/solo'] }).listModels({
      pageToken: undefined,
    });
    // The configured repo id comes first, on a page of its own.
    expect(page.items.map(m => m.name)).toEqual(['other/solo']);
    const authorPage = await adapter({ models: ['other/solo'] }).listModels({
      pageToken: page.nextPageToken,
    });
    expect(authorPage.nextPageToken).toBeUndefined();
    expect(authorPage.items.map(m => m.name)).toEqual([
      'acme/one',
      'acme/two',
      'acme/three',
      'acme/four',
      'acme/five',
    ]);
    const listings = fake.requests.filter(r =>
      r.path.startsWith('/api/models?'),
    );
    expect(listings).toHaveLength(Math.ceil(5 / FAKE_PAGE_SIZE));
    expect(listings.slice(1).every(r => r.path.includes('cursor='))).toBe(true);
    expect(authorPage.items[0]).toEqual({
      externalId: 'acme/one',
      name: 'acme/one',
      description: 'The card of acme/one.',
      tags: {
        'huggingface.license': 'mit',
        'huggingface.task': 'text-classification',
        'huggingface.library': 'transformers',
        'huggingface.tags': 'transformers,license:mit,region:us',
        'huggingface.gated': 'manual',
        'huggingface.private': 'false',
      },
      aliases: { main: MODELS[0].sha.slice(0, 12) },
      createdAt: Date.parse('2025-01-01T00:00:00.000Z'),
      updatedAt: Date.parse('2026-05-01T00:00:00.000Z'),
      url: `${fake.url}/acme/one`,
    });
    expect(fake.requests.every(r => r.authorized)).toBe(true);
  });

  it('skips models older than updatedSince without reading their cards', async () => {
    const page = await adapter().listModels({
      updatedSince: Date.parse('2026-05-03T00:00:00.000Z'),
    });
    expect(page.items.map(m => m.name)).toEqual(['acme/four', 'acme/five']);
    const cards = fake.requests.filter(r => r.path.includes('/resolve/'));
    expect(cards.map(r => r.path)).toEqual([
      `/acme/four/resolve/${MODELS[3].sha}/README.md`,
      `/acme/five/resolve/${MODELS[4].sha}/README.md`,
    ]);
  });

  it('fails with a clear 401 for a refused token, without the token in any message', async () => {
    const hub = adapter({ token: BAD_TOKEN });
    const error = await hub.listModels({}).catch(e => e);
    expect(error).toMatchObject({ status: 401 });
    expect(error.message).toContain(
      "the hub 'fake' refused the credentials (401)",
    );
    expect(error.message).not.toContain(BAD_TOKEN);
    const health = await hub.checkHealth();
    expect(health.state).toBe('degraded');
    expect(health.lastError).toContain('401');
    expect(JSON.stringify(health)).not.toContain(BAD_TOKEN);
  });

  it('waits out 429s as long as the RateLimit and Retry-After headers say, then succeeds', async () => {
    fake.rateLimitNext({ reset: 7 }, { reset: 2, retryAfter: '3' });
    const page = await adapter({
      models: ['other/solo'],
      authors: [],
    }).listModels({});
    expect(page.items.map(m => m.name)).toEqual(['other/solo']);
    expect(sleeps).toEqual([7000, 3000]);
    expect(
      fake.requests.filter(r => r.path.startsWith('/api/models/')),
    ).toHaveLength(3);
  });

  it('gives up with a clear 429 after a bounded number of retries', async () => {
    fake.rateLimitForever(1);
    const error = await adapter()
      .listModels({})
      .catch(e => e);
    expect(error).toBeInstanceOf(HuggingFaceRateLimitError);
    expect(error.status).toBe(429);
    expect(error.message).toBe(
      "The hub 'fake' kept rate limiting /api/models (429) after 3 retries; the sync is retried later",
    );
    expect(sleeps).toEqual([1000, 1000, 1000]);
    expect(fake.requests).toHaveLength(4);
  });

  it('does not hold a sync for a reset beyond the longest wait', async () => {
    fake.rateLimitForever(3600);
    const error = await adapter()
      .listModels({})
      .catch(e => e);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 3600 });
    expect(error.message).toContain('resets in 3600 s');
    expect(sleeps).toEqual([]);
    // Health does not wait at all: a 429 is reported as degraded straight away.
    await expect(adapter().checkHealth()).resolves.toMatchObject({
      state: 'degraded',
    });
  });

  it('is down, with an error without a status, when the hub does not answer', async () => {
    const hub = adapter();
    await fake.close();
    const health = await hub.checkHealth();
    expect(health.state).toBe('down');
    expect(health.lastError).toContain("the hub 'fake' did not answer");
    await expect(hub.listModels({})).rejects.toMatchObject({
      status: undefined,
    });
    fake = await startFakeHub({ models: MODELS, token: TOKEN });
  });

  it('refuses page tokens it did not issue, and names that are not repo ids, with 400', async () => {
    await expect(
      adapter().listModels({ pageToken: 'not-a-token' }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(adapter().listVersions('no-slash')).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      adapter().listVersions('acme/one', 'bm9wZQ'),
    ).rejects.toMatchObject({ status: 400 });
  });
});
