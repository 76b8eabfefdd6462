import {
  coreServices,
  createServiceFactory,
  type BackstageCredentials,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  type AuthorizePermissionRequest,
  type PolicyDecision,
  type QueryPermissionRequest,
} from '@backstage/plugin-permission-common';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';

/**
 * A PermissionsService that answers with a permission policy, the way the permission backend
 * does (plugin-permission-backend's router, `handleRequest`): the policy decides, and a
 * CONDITIONAL decision on a resourceRef is resolved by POSTing the conditions to the owning
 * plugin's `/.well-known/backstage/permissions/apply-conditions`, which loads the resource with
 * the registered getResources and applies the rules. Service callers are allowed, as
 * ServerPermissionClient does.
 *
 * A fake, because the real permission backend refuses the mock auth of startTestBackend: its
 * on-behalf-of tokens carry no actor, which the permission backend requires for conditional
 * queries. Everything on the llm-ops side (router, registry endpoint, rules, SQL) is real.
 */
export function policyPermissionsFactory(options: {
  policy: PermissionPolicy;
  /** Ownership claims by user entity ref; a user owns only themselves by default. */
  ownership?: Record<string, string[]>;
}) {
  return createServiceFactory({
    service: coreServices.permissions,
    deps: { discovery: coreServices.discovery, auth: coreServices.auth },
    async factory({ discovery, auth }): Promise<PermissionsService> {
      const decide = async (
        request: { permission: QueryPermissionRequest['permission'] } | any,
        credentials: BackstageCredentials,
      ): Promise<PolicyDecision> => {
        if (auth.isPrincipal(credentials, 'service')) {
          return { result: AuthorizeResult.ALLOW };
        }
        if (!auth.isPrincipal(credentials, 'user')) {
          return options.policy.handle({ permission: request.permission });
        }
        const userEntityRef = credentials.principal.userEntityRef;
        return options.policy.handle(
          { permission: request.permission },
          {
            credentials,
            info: {
              userEntityRef,
              ownershipEntityRefs: options.ownership?.[userEntityRef] ?? [
                userEntityRef,
              ],
            },
          },
        );
      };

      const applyConditions = async (
        decision: Extract<
          PolicyDecision,
          { result: AuthorizeResult.CONDITIONAL }
        >,
        resourceRef: string,
      ) => {
        const baseUrl = await discovery.getBaseUrl(decision.pluginId);
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf: await auth.getOwnServiceCredentials(),
          targetPluginId: decision.pluginId,
        });
        const response = await fetch(
          `${baseUrl}/.well-known/backstage/permissions/apply-conditions`,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({
              items: [
                {
                  id: '1',
                  resourceRef,
                  resourceType: decision.resourceType,
                  conditions: decision.conditions,
                },
              ],
            }),
          },
        );
        if (!response.ok) {
          throw new Error(
            `apply-conditions answered ${
              response.status
            }: ${await response.text()}`,
          );
        }
        const body = await response.json();
        return body.items[0].result as
          | AuthorizeResult.ALLOW
          | AuthorizeResult.DENY;
      };

      return {
        async authorize(requests: AuthorizePermissionRequest[], opts) {
          const credentials = (opts as { credentials: BackstageCredentials })
            .credentials;
          return Promise.all(
            requests.map(async request => {
              const decision = await decide(request, credentials);
              if (decision.result !== AuthorizeResult.CONDITIONAL) {
                return { result: decision.result };
              }
              if (
                !isResourcePermission(request.permission) ||
                !request.resourceRef
              ) {
                throw new Error(
                  `A conditional decision for ${request.permission.name} needs a resourceRef`,
                );
              }
              return {
                result: await applyConditions(decision, request.resourceRef),
              };
            }),
          );
        },
        async authorizeConditional(requests: QueryPermissionRequest[], opts) {
          const credentials = (opts as { credentials: BackstageCredentials })
            .credentials;
          return Promise.all(
            requests.map(request => decide(request, credentials)),
          );
        },
      } as PermissionsService;
    },
  });
}
