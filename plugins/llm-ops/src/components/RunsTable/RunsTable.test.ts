import { runOrderBy } from './RunsTable';

describe('runOrderBy', () => {
  it('orders by attributes, params and metrics in MLflow syntax', () => {
    expect(runOrderBy([{ field: 'startTime', sort: 'desc' }])).toEqual([
      'attributes.start_time DESC',
    ]);
    expect(runOrderBy([{ field: 'metrics.accuracy', sort: 'asc' }])).toEqual([
      'metrics.accuracy ASC',
    ]);
    expect(runOrderBy([{ field: 'params.batch-size', sort: 'desc' }])).toEqual([
      'params.`batch-size` DESC',
    ]);
    expect(runOrderBy([{ field: 'duration', sort: 'desc' }])).toBeUndefined();
    expect(runOrderBy([])).toBeUndefined();
  });
});
