import { ConflictError, InputError } from '@backstage/errors';

/**
 * The traffic rules of a serving endpoint, as pure functions over its desired traffic: at most
 * one stable and one canary version, the shares adding up to 100. Adapters translate the result
 * to their platform (KServe canaryTrafficPercent, Ray Serve route weights); they do not decide.
 */

export type TrafficRole = 'stable' | 'canary';

/** A model version as an endpoint serves it. */
export type ServedVersion = {
  modelVersionId: string;
  modelName: string;
  version: string;
};

export type TrafficEntry = ServedVersion & {
  percent: number;
  role: TrafficRole;
};

export type Traffic = TrafficEntry[];

function fieldError(field: string, message: string) {
  return Object.assign(new InputError(message), { field });
}

function served(entry: ServedVersion): ServedVersion {
  return {
    modelVersionId: entry.modelVersionId,
    modelName: entry.modelName,
    version: entry.version,
  };
}

export function stableOf(traffic: Traffic): TrafficEntry | undefined {
  return traffic.find(e => e.role === 'stable');
}

export function canaryOf(traffic: Traffic): TrafficEntry | undefined {
  return traffic.find(e => e.role === 'canary');
}

/** The ids of the model versions that take traffic: what `serves` lineage edges point at. */
export function servedVersionIds(traffic: Traffic): string[] {
  return [...new Set(traffic.map(e => e.modelVersionId))];
}

const describe = (v: ServedVersion) => `${v.modelName} version ${v.version}`;

/**
 * A deploy without a canary: the version becomes the stable version with all the traffic,
 * replacing the stable version and any canary.
 */
export function deployStable(
  _traffic: Traffic,
  version: ServedVersion,
): Traffic {
  return [{ ...served(version), percent: 100, role: 'stable' }];
}

/**
 * A canary deploy: the version takes `percent` of the traffic next to the current stable
 * version, which keeps the rest. An earlier canary is replaced. 409 without a stable version,
 * or when the version already is the stable one.
 */
export function deployCanary(
  traffic: Traffic,
  version: ServedVersion,
  percent: number,
): Traffic {
  if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
    throw fieldError(
      'canaryPercent',
      `canaryPercent must be a whole number from 1 to 99, got ${percent}`,
    );
  }
  const stable = stableOf(traffic);
  if (!stable) {
    throw new ConflictError(
      'The endpoint has no stable version to run a canary next to; deploy without canaryPercent first',
    );
  }
  if (stable.modelVersionId === version.modelVersionId) {
    throw new ConflictError(
      `${describe(version)} already is the stable version of the endpoint`,
    );
  }
  return [
    { ...served(stable), percent: 100 - percent, role: 'stable' },
    { ...served(version), percent, role: 'canary' },
  ];
}

/** The canary becomes the stable version with all the traffic; 409 without a canary. */
export function promoteCanary(traffic: Traffic): Traffic {
  const canary = canaryOf(traffic);
  if (!canary) {
    throw new ConflictError('The endpoint has no canary to promote');
  }
  return [{ ...served(canary), percent: 100, role: 'stable' }];
}

/** The canary is removed and the stable version takes all the traffic; 409 without a canary. */
export function rollbackCanary(traffic: Traffic): Traffic {
  const canary = canaryOf(traffic);
  const stable = stableOf(traffic);
  if (!canary) {
    throw new ConflictError('The endpoint has no canary to roll back');
  }
  if (!stable) {
    // Not reachable through the rules above; a platform could still report it.
    throw new ConflictError(
      'The endpoint has no stable version to roll back to',
    );
  }
  return [{ ...served(stable), percent: 100, role: 'stable' }];
}

/** Whether traffic obeys the rules (for what a platform reports, which may be mid-rollout). */
export function isValidTraffic(traffic: Traffic): boolean {
  if (traffic.length === 0) return true;
  const stables = traffic.filter(e => e.role === 'stable').length;
  const canaries = traffic.filter(e => e.role === 'canary').length;
  const total = traffic.reduce((sum, e) => sum + e.percent, 0);
  return (
    stables === 1 &&
    canaries <= 1 &&
    traffic.length === stables + canaries &&
    traffic.every(
      e => Number.isInteger(e.percent) && e.percent >= 0 && e.percent <= 100,
    ) &&
    total === 100 &&
    servedVersionIds(traffic).length === traffic.length
  );
}
