import { render, screen } from '@testing-library/react';
import { NodePhases } from './NodePhases';

const node = (id: string, phase: any) => ({
  id,
  name: id,
  displayName: id,
  type: 'Pod',
  phase,
  startedAt: null,
  finishedAt: null,
  message: null,
});

describe('NodePhases', () => {
  it('counts the steps in each phase', () => {
    render(
      <NodePhases
        nodes={[
          node('a', 'Succeeded'),
          node('b', 'Succeeded'),
          node('c', 'Running'),
        ]}
      />,
    );
    expect(screen.getByTestId('llm-ops-node-phases')).toHaveTextContent(
      '2 Succeeded1 Running',
    );
  });
});
