/**
 * Whether what a list shows may be out of date. With only the built-in provider nothing is ever
 * stale; the integrations layer reports degraded tools here.
 */
export type Freshness = {
  stale: boolean;
  degradedIntegrations: Array<{ id: string; since: string | null }>;
};

export interface FreshnessService {
  /** Freshness of the data behind a resource type, e.g. 'experiment'. */
  forResource(resourceType: string): Promise<Freshness>;
}

export const alwaysFresh: FreshnessService = {
  async forResource() {
    return { stale: false, degradedIntegrations: [] };
  },
};
