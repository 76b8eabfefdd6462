import { curvePoints } from './curves';

describe('curvePoints', () => {
  it('goes from start to end, deterministically, one point a step', () => {
    const a = curvePoints(
      'exp/run',
      { steps: 200, loss: [2.4, 0.5], accuracy: [0.4, 0.9] },
      0,
    );
    const b = curvePoints(
      'exp/run',
      { steps: 200, loss: [2.4, 0.5], accuracy: [0.4, 0.9] },
      0,
    );
    expect(a).toEqual(b);
    const loss = a.filter(p => p.key === 'loss');
    expect(loss).toHaveLength(200);
    expect(loss[0].value).toBeGreaterThan(2.2);
    expect(loss[199].value).toBeLessThan(0.6);
    expect(loss[10].timestamp - loss[9].timestamp).toBe(60_000);
    const other = curvePoints(
      'exp/other-run',
      { steps: 200, loss: [2.4, 0.5] },
      0,
    );
    expect(other.map(p => p.value)).not.toEqual(loss.map(p => p.value));
  });
});
