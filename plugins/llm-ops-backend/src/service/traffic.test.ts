import {
  canaryOf,
  deployCanary,
  deployStable,
  isValidTraffic,
  promoteCanary,
  rollbackCanary,
  servedVersionIds,
  stableOf,
  type ServedVersion,
  type Traffic,
} from './traffic';

const v1: ServedVersion = {
  modelVersionId: 'id-1',
  modelName: 'bert',
  version: '1',
};
const v2: ServedVersion = { ...v1, modelVersionId: 'id-2', version: '2' };
const v3: ServedVersion = { ...v1, modelVersionId: 'id-3', version: '3' };

const stableV1: Traffic = deployStable([], v1);

describe('endpoint traffic rules', () => {
  it('deploys a first version as the stable version with all the traffic', () => {
    expect(stableV1).toEqual([{ ...v1, percent: 100, role: 'stable' }]);
    expect(isValidTraffic(stableV1)).toBe(true);
  });

  it('replaces the stable version and any canary on a deploy without canary', () => {
    const split = deployCanary(stableV1, v2, 10);
    expect(deployStable(split, v3)).toEqual([
      { ...v3, percent: 100, role: 'stable' },
    ]);
  });

  it('splits 90/10 for a canary at 10 percent', () => {
    const split = deployCanary(stableV1, v2, 10);
    expect(split).toEqual([
      { ...v1, percent: 90, role: 'stable' },
      { ...v2, percent: 10, role: 'canary' },
    ]);
    expect(stableOf(split)?.modelVersionId).toBe('id-1');
    expect(canaryOf(split)?.modelVersionId).toBe('id-2');
    expect(servedVersionIds(split)).toEqual(['id-1', 'id-2']);
    expect(isValidTraffic(split)).toBe(true);
  });

  it('replaces an earlier canary, or re-weighs the same one', () => {
    const split = deployCanary(stableV1, v2, 10);
    expect(deployCanary(split, v3, 25)).toEqual([
      { ...v1, percent: 75, role: 'stable' },
      { ...v3, percent: 25, role: 'canary' },
    ]);
    expect(deployCanary(split, v2, 50).map(e => e.percent)).toEqual([50, 50]);
  });

  it('promotes the canary to the stable version with all the traffic', () => {
    const promoted = promoteCanary(deployCanary(stableV1, v2, 10));
    expect(promoted).toEqual([{ ...v2, percent: 100, role: 'stable' }]);
  });

  it('rolls the canary back, the stable version taking all the traffic', () => {
    const rolledBack = rollbackCanary(deployCanary(stableV1, v2, 30));
    expect(rolledBack).toEqual([{ ...v1, percent: 100, role: 'stable' }]);
  });

  it('refuses a canary without a stable version, or of the stable version (409)', () => {
    expect(() => deployCanary([], v1, 10)).toThrow(
      expect.objectContaining({ name: 'ConflictError' }),
    );
    expect(() => deployCanary(stableV1, v1, 10)).toThrow(
      expect.objectContaining({
        name: 'ConflictError',
        message: expect.stringMatching(/already is the stable/),
      }),
    );
  });

  it('refuses promote and rollback without a canary (409)', () => {
    for (const traffic of [[], stableV1]) {
      expect(() => promoteCanary(traffic)).toThrow(
        expect.objectContaining({ name: 'ConflictError' }),
      );
      expect(() => rollbackCanary(traffic)).toThrow(
        expect.objectContaining({ name: 'ConflictError' }),
      );
    }
  });

  it.each([0, 100, -5, 12.5, NaN])(
    'refuses a canary percent of %p (400 naming canaryPercent)',
    percent => {
      expect(() => deployCanary(stableV1, v2, percent)).toThrow(
        expect.objectContaining({ name: 'InputError', field: 'canaryPercent' }),
      );
    },
  );

  it('does not change the traffic it is given', () => {
    const split = deployCanary(stableV1, v2, 10);
    const copy = JSON.parse(JSON.stringify(split));
    promoteCanary(split);
    rollbackCanary(split);
    deployCanary(split, v3, 20);
    expect(split).toEqual(copy);
  });

  it('tells valid traffic from invalid', () => {
    expect(isValidTraffic([])).toBe(true);
    expect(isValidTraffic([{ ...v1, percent: 90, role: 'stable' }])).toBe(
      false,
    );
    expect(
      isValidTraffic([
        { ...v1, percent: 50, role: 'canary' },
        { ...v2, percent: 50, role: 'canary' },
      ]),
    ).toBe(false);
    expect(
      isValidTraffic([
        { ...v1, percent: 50, role: 'stable' },
        { ...v1, percent: 50, role: 'canary' },
      ]),
    ).toBe(false);
  });
});
