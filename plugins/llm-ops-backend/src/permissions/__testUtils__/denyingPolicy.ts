import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';

/** A policy that allows everything but the one permission it names. */
export const denying = (name: string): PermissionPolicy => ({
  async handle(request) {
    return {
      result:
        request.permission.name === name
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    };
  },
});
