/*
 * The portal's root HTTP router: Backstage's defaults (helmet, CORS, logging, rate limits,
 * health, the plugins' routes, errors) with one change, gzip at level 1 instead of zlib's
 * default 6.
 *
 * Why: answers of the llm-ops API run to hundreds of kilobytes (a metric history of 10,000
 * points is 670 KB of JSON). Level 6 took 11 ms of CPU for such an answer, level 1 under 6 ms,
 * for a body 9 % larger (150 KB against 162 KB); on a 50-item list the saving is about a third
 * of the gzip time. nginx's own default level is 1 for the same reason. Measured in
 * docs/benchmarks.md.
 */
import {
  rootHttpRouterServiceFactory,
  type RootHttpRouterConfigureContext,
} from '@backstage/backend-defaults/rootHttpRouter';
import compression from 'compression';

export const GZIP_LEVEL = 1;

export function configureRootHttpRouter({
  middleware,
  applyDefaults,
}: Pick<RootHttpRouterConfigureContext, 'middleware' | 'applyDefaults'>) {
  // applyDefaults takes its compression middleware from this same factory object. The cast:
  // @types/compression brings its own copy of Express's types, identical at runtime.
  middleware.compression = () =>
    compression({ level: GZIP_LEVEL }) as unknown as ReturnType<
      RootHttpRouterConfigureContext['middleware']['compression']
    >;
  applyDefaults();
}

export const rootHttpRouter = rootHttpRouterServiceFactory({
  configure: configureRootHttpRouter,
});
