import { screen } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import { OverviewPage } from './OverviewPage';

function apiWith(getHealth: LlmOpsApi['getHealth']): LlmOpsApi {
  return { getHealth };
}

describe('OverviewPage', () => {
  it('shows the backend version, database and cache store', async () => {
    const api = apiWith(async () => ({
      plugin: 'llm-ops',
      version: '1.2.3',
      database: { client: 'pg' },
      cache: { store: 'redis', ok: true },
    }));
    await renderInTestApp(
      <TestApiProvider apis={[[llmOpsApiRef, api]]}>
        <OverviewPage />
      </TestApiProvider>,
    );
    expect(await screen.findByText('llm-ops 1.2.3')).toBeInTheDocument();
    expect(screen.getByText('database: pg')).toBeInTheDocument();
    expect(screen.getByText('cache: redis')).toBeInTheDocument();
  });

  it('says when the cache store does not answer', async () => {
    const api = apiWith(async () => ({
      plugin: 'llm-ops',
      version: '1.2.3',
      database: { client: 'better-sqlite3' },
      cache: { store: 'redis', ok: false },
    }));
    await renderInTestApp(
      <TestApiProvider apis={[[llmOpsApiRef, api]]}>
        <OverviewPage />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('cache: redis (not answering)'),
    ).toBeInTheDocument();
  });

  it('shows an error state when the backend fails', async () => {
    const api = apiWith(async () => {
      throw new Error('connection refused');
    });
    await renderInTestApp(
      <TestApiProvider apis={[[llmOpsApiRef, api]]}>
        <OverviewPage />
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('llm-ops-health-error')).toHaveTextContent(
      'connection refused',
    );
  });
});
