import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// jsdom has no layout, so a virtualized grid would render no rows: render them all in tests.
jest.mock('@mui/x-data-grid', () => {
  const actual = jest.requireActual('@mui/x-data-grid');
  const { createElement, forwardRef } = jest.requireActual('react');
  return {
    ...actual,
    DataGrid: forwardRef((props: object, ref: unknown) =>
      createElement(actual.DataGrid, {
        ...props,
        ref,
        disableVirtualization: true,
      }),
    ),
  };
});

// jsdom lacks ResizeObserver, which the charts and the grid use to size themselves.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= ResizeObserverStub;

// The test app with a data grid and charts renders slowly on small CI machines.
configure({ asyncUtilTimeout: 15_000 });
jest.setTimeout(60_000);
