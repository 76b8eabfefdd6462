import type { RequestHandler } from 'express';
import type { HttpAuthService } from '@backstage/backend-plugin-api';

/**
 * Paths under the plugin that need no credentials. Everything else needs a user or service token.
 *
 * The plugin opts out of Backstage's default credential barrier (see plugin.ts) and checks
 * credentials here instead, so that a missing or bad token is answered with the envelope like
 * every other error, on both mount points (/api/llm-ops and the legacy /llm-ops).
 */
export const PUBLIC_PATHS = ['/v1/health', '/v1/openapi.json'];

export function requireCredentials(httpAuth: HttpAuthService): RequestHandler {
  return async (req, _res, next) => {
    if (PUBLIC_PATHS.includes(req.path)) {
      next();
      return;
    }
    try {
      await httpAuth.credentials(req, { allow: ['user', 'service'] });
      next();
    } catch (error) {
      next(error);
    }
  };
}
