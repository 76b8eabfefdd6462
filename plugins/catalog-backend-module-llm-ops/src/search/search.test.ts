import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createBackendModule,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import searchPlugin from '@backstage/plugin-search-backend';
import searchModuleCatalogCollator from '@backstage/plugin-search-backend-module-catalog';
// The provider's peer: the llm-ops plugin itself, whose store the provider mirrors.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { catalogModuleLlmOps } from '../module';
import { apiClient } from '../__testUtils__/llmOpsBackend';
import { searchModuleLlmOpsCatalogCollatorTags } from './searchModule';

jest.setTimeout(120_000);

/*
 * The whole path of issue 5's search requirement, with real peers: the llm-ops store, the real
 * catalog with this module (provider entities and hand-written catalog-info entities), the
 * search plugin with the catalog collator and its Lunr engine (the default without an engine
 * module), asked through the search API.
 */

// Hand-written entities of the three kinds the provider does not emit here.
const handWritten = [
  {
    apiVersion: 'llm-ops.io/v1alpha1',
    kind: 'Experiment',
    metadata: { name: 'summarizer-sweep', tags: ['hyperopt'] },
    spec: { owner: 'group:default/research' },
  },
  {
    apiVersion: 'llm-ops.io/v1alpha1',
    kind: 'Endpoint',
    metadata: { name: 'translator-gateway', tags: ['gpu'] },
    spec: { owner: 'group:default/serving' },
  },
  {
    apiVersion: 'llm-ops.io/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'nightly-distillation', tags: ['scheduled'] },
    spec: { owner: 'group:default/research' },
  },
];

/** Captures the (mock) scheduler, so the test decides when the provider and indexer run. */
let scheduler: SchedulerService;
const captureScheduler = createBackendModule({
  pluginId: 'search',
  moduleId: 'test-scheduler-capture',
  register(reg) {
    reg.registerInit({
      deps: { s: coreServices.scheduler },
      async init({ s }) {
        scheduler = s;
      },
    });
  },
});

async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  let value = await read();
  for (let i = 0; i < 120 && !done(value); i++) {
    await new Promise(r => setTimeout(r, 500));
    value = await read();
  }
  return value;
}

describe('the LLM Ops kinds in Backstage search', () => {
  it('finds entities of the new kinds by name, tag and owner through the catalog collator', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-ops-search-'));
    const file = path.join(dir, 'catalog-info.yaml');
    fs.writeFileSync(
      file,
      handWritten.map(e => JSON.stringify(e)).join('\n---\n'),
    );
    const { server } = await startTestBackend({
      features: [
        llmOpsPlugin,
        catalogPlugin,
        catalogModuleLlmOps,
        searchPlugin,
        searchModuleCatalogCollator,
        searchModuleLlmOpsCatalogCollatorTags,
        captureScheduler,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                {
                  allow: [
                    'Experiment',
                    'Model',
                    'Endpoint',
                    'Dataset',
                    'Pipeline',
                    'Location',
                  ],
                },
              ],
              locations: [{ type: 'file', target: file }],
              providers: { llmOps: { deltaFrequency: false } },
            },
          },
        }),
      ],
    });
    const llmOps = apiClient(server);
    await llmOps.post('/v1/models', {
      name: 'sentiment-ranker',
      owner: 'group:default/vision',
      tags: { domain: 'retrieval' },
    });
    await llmOps.post('/v1/datasets', {
      name: 'support-tickets',
      owner: 'group:default/dataplatform',
      tags: { pii: 'true' },
    });
    await scheduler.triggerTask('llm-ops-provider:refresh');

    const get = (url: string) =>
      request(server)
        .get(url)
        .set('Authorization', mockCredentials.user.header());
    const kinds = ['Experiment', 'Model', 'Endpoint', 'Dataset', 'Pipeline'];
    const cataloged = await eventually(
      async () =>
        (
          await get(
            `/api/catalog/entities/by-query?${kinds
              .map(k => `filter=kind=${k}`)
              .join('&')}`,
          )
        ).body.items ?? [],
      items => items.length === 5,
    );
    expect(cataloged.map((e: any) => e.kind).sort()).toEqual([...kinds].sort());

    await scheduler.triggerTask('search_index_software_catalog');
    /** The search API's answer for a term, as `kind:name` of each result, best first. */
    const search = async (term: string) => {
      const res = await get(
        `/api/search/query?term=${encodeURIComponent(
          term,
        )}&types[0]=software-catalog`,
      );
      expect(res.status).toBe(200);
      return res.body.results.map(
        (r: any) =>
          `${r.document.kind}:${r.document.location.split('/').pop()}`,
      );
    };

    // By name, one of each new kind.
    expect(await search('sentiment-ranker')).toEqual([
      'Model:sentiment-ranker',
    ]);
    expect(await search('support-tickets')).toEqual([
      'Dataset:support-tickets',
    ]);
    expect(await search('summarizer')).toEqual(['Experiment:summarizer-sweep']);
    expect(await search('translator-gateway')).toEqual([
      'Endpoint:translator-gateway',
    ]);
    expect(await search('distillation')).toEqual([
      'Pipeline:nightly-distillation',
    ]);

    // By tag: the provider's `key:value` tags as typed, and plain ones.
    expect(await search('domain:retrieval')).toEqual([
      'Model:sentiment-ranker',
    ]);
    expect(await search('pii')).toEqual(['Dataset:support-tickets']);
    expect(await search('hyperopt')).toEqual(['Experiment:summarizer-sweep']);
    expect(await search('gpu')).toEqual(['Endpoint:translator-gateway']);

    // By owner: the owner's name, from the store or from catalog-info.
    expect(await search('vision')).toEqual(['Model:sentiment-ranker']);
    expect(await search('dataplatform')).toEqual(['Dataset:support-tickets']);
    expect((await search('research')).sort()).toEqual([
      'Experiment:summarizer-sweep',
      'Pipeline:nightly-distillation',
    ]);
  });
});
