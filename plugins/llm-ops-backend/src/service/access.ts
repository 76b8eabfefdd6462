import type { AnyRequest } from './types';

import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  isResourcePermission,
  type BasicPermission,
  type Permission,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Who is calling, and whether they may do what they ask. Every route goes through here, so the
 * permission framework (and any policy an adopter installs) is the single gate.
 */
export class AccessControl {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly permissions: PermissionsService,
  ) {}

  async credentials(req: AnyRequest): Promise<BackstageCredentials> {
    return this.httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  /**
   * The caller's credentials if the policy allows the permission; NotAllowedError otherwise.
   * A resource permission asked without a resource only passes when allowed outright: a
   * conditional decision cannot be checked here (see src/permissions/assetAccess.ts).
   */
  async authorize(
    req: AnyRequest,
    permission: Permission,
  ): Promise<BackstageCredentials> {
    const credentials = await this.credentials(req);
    const [decision] = isResourcePermission(permission)
      ? await this.permissions.authorizeConditional([{ permission }], {
          credentials,
        })
      : await this.permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
    return credentials;
  }

  /** The policy's decision on a resource permission for the caller: possibly CONDITIONAL. */
  async decide(
    req: AnyRequest,
    permission: ResourcePermission,
  ): Promise<{ credentials: BackstageCredentials; decision: PolicyDecision }> {
    const credentials = await this.credentials(req);
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return { credentials, decision };
  }

  /**
   * The policy's decisions on several permissions in one round, in their order: definitive for
   * basic permissions, possibly CONDITIONAL for resource permissions (asked without a resource).
   */
  async decideAll(
    req: AnyRequest,
    permissions: Permission[],
  ): Promise<{
    credentials: BackstageCredentials;
    decisions: PolicyDecision[];
  }> {
    const credentials = await this.credentials(req);
    const resource: ResourcePermission[] = [];
    const basic: BasicPermission[] = [];
    for (const p of permissions) {
      if (isResourcePermission(p)) resource.push(p);
      else basic.push(p);
    }
    const [conditional, definitive] = await Promise.all([
      resource.length > 0
        ? this.permissions.authorizeConditional(
            resource.map(permission => ({ permission })),
            { credentials },
          )
        : [],
      basic.length > 0
        ? this.permissions.authorize(
            basic.map(permission => ({ permission })),
            { credentials },
          )
        : [],
    ]);
    const byName = new Map<string, PolicyDecision>([
      ...resource.map((p, i) => [p.name, conditional[i]] as const),
      ...basic.map((p, i) => [p.name, definitive[i]] as const),
    ]);
    return {
      credentials,
      decisions: permissions.map(p => byName.get(p.name)!),
    };
  }

  /** Whether the permission is allowed on one resource (conditions evaluated against it). */
  async allowedOn(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    resourceRef: string,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize(
      [{ permission, resourceRef }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }
}

/** A stable string for the caller, used to scope idempotency keys and in audit events. */
export function principalOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p.type === 'user') return p.userEntityRef!;
  if (p.type === 'service') return `service:${p.subject}`;
  return p.type;
}
