// End-to-end tests of the LLM Ops pages against a running portal (scripts/e2e.sh starts one).
// Run with `node --test packages/app/e2e/llm-ops.test.mjs`; needs LLM_OPS_API_TOKEN and, for a
// portal elsewhere than localhost:3100/7100, LLM_OPS_E2E_FRONTEND_URL and LLM_OPS_E2E_BACKEND_URL.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  TEST_TIMEOUT,
  WARM_UP_TIMEOUT,
  backendUrl,
  diagnose,
  launch,
  open,
  screenshot,
  warmUp,
} from './browser.mjs';
import { Api, seed } from './seed.mjs';

const token = process.env.LLM_OPS_API_TOKEN;
if (!token) {
  throw new Error(
    'LLM_OPS_API_TOKEN is not set: the tests create their data through the API with it',
  );
}

let data;

before(
  async () => {
    data = await seed(new Api(backendUrl, token));
  },
  { timeout: 120_000 },
);

function themeSuite(theme) {
  describe(`LLM Ops in the ${theme} theme`, () => {
    let browser;
    let page;

    // Sign in and load the app once before the timed tests (see warmUp).
    before(
      async () => {
        browser = await launch({ theme });
        page = browser.page;
        try {
          await warmUp(page);
        } catch (error) {
          await diagnose(browser, `warm-up-${theme}`);
          throw error;
        }
      },
      { timeout: WARM_UP_TIMEOUT + 30_000 },
    );

    afterEach(async t => {
      if (!t.passed) {
        await diagnose(
          browser,
          `${theme}-${t.name.split(' ').slice(0, 3).join('-')}`,
        );
      }
    });

    after(async () => {
      await browser?.close();
    });

    test(
      'the overview counts assets, lists recent runs and deployments and integration health',
      { timeout: TEST_TIMEOUT },
      async () => {
        // /llm-ops redirects to its first tab on the client side: wait for the overview's content,
        // then check where we are (waitForURL would wait for a load event the redirect never fires).
        await open(page, '/llm-ops');
        const counts = page.getByTestId('llm-ops-count-experiments');
        await counts.waitFor();
        assert.match(new URL(page.url()).pathname, /\/llm-ops\/overview$/);
        assert.match(await counts.innerText(), /^\d+\+?\s+Experiments$/);
        const runs = page.getByTestId('llm-ops-recent-runs');
        await runs.locator(`a[href$="/runs/${data.runs[3].id}"]`).waitFor();
        await page
          .getByTestId('llm-ops-recent-deployments')
          .getByText(data.names.endpoint)
          .waitFor();
        await page.getByTestId('llm-ops-integration-builtin').waitFor();
        assert.match(
          await page.getByTestId('llm-ops-integration-builtin').innerText(),
          /up/,
        );
        await screenshot(page, `overview-${theme}`);
      },
    );

    test(
      'an experiment lists its runs and shows a rejected filter under the search box',
      { timeout: TEST_TIMEOUT },
      async () => {
        await open(page, '/llm-ops/experiments');
        const grid = page.getByTestId('llm-ops-grid-experiments');
        await grid.waitFor();
        await page.getByRole('searchbox').fill(data.names.experiment);
        await grid.getByRole('link', { name: data.names.experiment }).click();
        await page.waitForURL(
          new RegExp(`/llm-ops/experiments/${data.names.experiment}$`),
        );

        const runs = page.getByTestId('llm-ops-grid-runs');
        for (const run of data.runs) {
          await runs.getByRole('link', { name: run.name }).waitFor();
        }
        await runs
          .getByRole('columnheader', { name: 'metrics.accuracy' })
          .waitFor();

        const box = page.getByLabel('Run filter');
        await box.fill('metrics.accuracy >');
        await box.press('Enter');
        const error = page.getByTestId('llm-ops-run-search-error');
        await error.waitFor();
        assert.match(await error.innerText(), /filter/i);
        await screenshot(page, `experiment-filter-error-${theme}`);

        await box.fill("params.optimizer = 'adam'");
        await box.press('Enter');
        await error.waitFor({ state: 'detached' });
        await runs.getByRole('link', { name: data.runs[0].name }).waitFor();
        await runs
          .getByRole('link', { name: data.runs[2].name })
          .waitFor({ state: 'detached' });
        assert.equal(await runs.getByRole('row').count(), 1 + 2);
        await screenshot(page, `experiment-${theme}`);
        await page.getByRole('button', { name: 'Clear' }).click();
        await runs.getByRole('link', { name: data.runs[2].name }).waitFor();
      },
    );

    test(
      'two runs compared side by side with their metric curves overlaid',
      { timeout: TEST_TIMEOUT },
      async () => {
        await open(page, `/llm-ops/experiments/${data.names.experiment}`);
        const runs = page.getByTestId('llm-ops-grid-runs');
        for (const run of [data.runs[0], data.runs[2]]) {
          const row = runs.getByRole('row').filter({ hasText: run.name });
          await row.getByRole('checkbox').check();
        }
        const comparison = page.getByTestId('llm-ops-run-comparison');
        await comparison.waitFor();
        // lr and optimizer differ between the two runs, epochs does not.
        assert.equal(
          await comparison
            .getByTestId('llm-ops-compare-params-lr')
            .getAttribute('data-differs'),
          'true',
        );
        assert.equal(
          await comparison
            .getByTestId('llm-ops-compare-params-epochs')
            .getAttribute('data-differs'),
          'false',
        );
        const chart = page.getByTestId('llm-ops-metric-chart');
        await chart.waitFor();
        // One line per run: x-charts draws each series as a path in its line plot.
        await chart.locator('.MuiLineElement-root').nth(1).waitFor();
        assert.equal(await chart.locator('.MuiLineElement-root').count(), 2);
        await page.getByTestId('llm-ops-parallel-coordinates').waitFor();
        await screenshot(page, `compare-${theme}`);
      },
    );

    test(
      'an endpoint shows its traffic split, canary actions and lineage',
      { timeout: TEST_TIMEOUT },
      async () => {
        await open(page, `/llm-ops/endpoints/${data.names.endpoint}`);
        const desired = page.getByTestId('llm-ops-traffic-desired');
        await desired.waitFor();
        const text = await desired.innerText();
        assert.match(text, /stable: .* v1 — 80%/);
        assert.match(text, /canary: .* v2 — 20%/);
        // The portal runs the allow-all permission policy: the canary can be promoted.
        await page.getByRole('button', { name: /Promote canary/ }).waitFor();
        await page.getByRole('button', { name: 'Roll back' }).waitFor();

        const lineage = page.getByTestId('llm-ops-endpoint-lineage');
        const nodes = lineage.getByTestId('llm-ops-lineage-node');
        await nodes.first().waitFor();
        const types = await nodes.evaluateAll(elements =>
          elements.map(e => e.getAttribute('data-node-type')),
        );
        for (const type of [
          'dataset-version',
          'pipeline-run',
          'run',
          'model-version',
          'endpoint',
        ]) {
          assert.ok(
            types.includes(type),
            `lineage has a ${type} node: ${types}`,
          );
        }
        await screenshot(page, `endpoint-${theme}`);

        // The full lineage page, reached from the node of a model version.
        await page.getByRole('link', { name: 'Lineage' }).click();
        await page.waitForURL(/\/llm-ops\/lineage\/endpoint\//);
        await page.getByTestId('llm-ops-lineage-graph').waitFor();
        await screenshot(page, `lineage-${theme}`);
        await page
          .getByTestId('llm-ops-lineage-node')
          .filter({ hasText: `${data.names.model} v1` })
          .getByRole('link')
          .click();
        await page.waitForURL(
          new RegExp(`/llm-ops/models/${data.names.model}\\?version=1$`),
        );
        await page.getByTestId('llm-ops-served-by').first().waitFor();
        await screenshot(page, `model-${theme}`);
      },
    );

    test(
      'a dataset shows its versions, schema and the runs that used it',
      { timeout: TEST_TIMEOUT },
      async () => {
        await open(page, `/llm-ops/datasets/${data.names.dataset}`);
        const detail = page.getByTestId('llm-ops-dataset-version');
        await detail.waitFor();
        await detail.getByText('734.0 MB').waitFor();
        await detail
          .getByTestId('llm-ops-used-by')
          .getByText(data.runs[0].name)
          .waitFor();
        await screenshot(page, `dataset-${theme}`);
      },
    );

    test(
      'a pipeline shows its runs with phase and step status',
      { timeout: TEST_TIMEOUT },
      async () => {
        await open(page, `/llm-ops/pipelines/${data.names.pipeline}`);
        const grid = page.getByTestId('llm-ops-grid-pipeline runs');
        await grid.getByTestId('llm-ops-node-phases').first().waitFor();
        assert.match(
          await grid.getByTestId('llm-ops-node-phases').first().innerText(),
          /3 Succeeded/,
        );
        await screenshot(page, `pipeline-${theme}`);
      },
    );

    test('no uncaught errors in the page', { timeout: TEST_TIMEOUT }, () => {
      assert.deepEqual(
        browser.errors.map(e => e.message),
        [],
      );
    });
  });
}

themeSuite('light');
themeSuite('dark');
