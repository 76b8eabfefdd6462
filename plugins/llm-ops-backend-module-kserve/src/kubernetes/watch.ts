import { Watch } from '@kubernetes/client-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  CustomResourceType,
  KubernetesClusterClient,
  KubernetesObject,
} from './KubernetesClusterClient';
import { messageOf, toKubernetesError } from './errors';

/** @public */
export type WatchObjectsOptions = {
  client: KubernetesClusterClient;
  type: CustomResourceType;
  labelSelector?: string;
  /** Called for every object on each (re)list, and for every change after that. */
  onEvent: (object: KubernetesObject, deleted: boolean) => void;
  signal: AbortSignal;
  logger?: LoggerService;
  /**
   * How long the server keeps one watch request open before it ends it and the loop reconnects.
   * Below the client's own 30 s request timeout, so that watches end cleanly. Default 25.
   */
  timeoutSeconds?: number;
  /** First and longest wait between failed attempts, in ms. Default 500 and 30 000. */
  backoff?: { initialMs?: number; maxMs?: number };
};

/**
 * List-then-watch of a custom resource across all namespaces, until `signal` aborts; the promise
 * then resolves. It never rejects: a failed list or watch is logged and retried with jittered
 * exponential backoff, and a watch that ends is resumed from the last resourceVersion seen.
 *
 * On the first list and on every relist (after the server answers 410 Gone, meaning the
 * resourceVersion is too old) every current object is reported, and objects that disappeared
 * meanwhile are reported as deleted, so that a consumer that missed events catches up.
 *
 * @public
 */
export async function watchObjects(
  options: WatchObjectsOptions,
): Promise<void> {
  const { client, type, signal } = options;
  const initialMs = options.backoff?.initialMs ?? 500;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  const known = new Map<string, KubernetesObject>();
  let resourceVersion: string | undefined;
  let failures = 0;

  while (!signal.aborted) {
    try {
      if (resourceVersion === undefined) {
        resourceVersion = await relist(options, known);
      }
      const outcome = await watchOnce(options, resourceVersion, known);
      if (outcome.resourceVersion) resourceVersion = outcome.resourceVersion;
      if (outcome.gone) resourceVersion = undefined;
      if (outcome.error) throw outcome.error;
      // A watch that the server ends straight away, again and again, must not become a busy loop.
      failures = outcome.productive ? 0 : failures + 1;
    } catch (error) {
      if (signal.aborted) break;
      failures += 1;
      options.logger?.warn(
        `Watch of ${type.plural} on cluster '${
          client.name
        }' failed (attempt ${failures}); retrying: ${messageOf(error)}`,
      );
    }
    if (failures > 0 && !signal.aborted) {
      const ceiling = Math.min(maxMs, initialMs * 2 ** (failures - 1));
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2), signal);
    }
  }
}

async function relist(
  options: WatchObjectsOptions,
  known: Map<string, KubernetesObject>,
): Promise<string | undefined> {
  const { items, resourceVersion } = await options.client.list(options.type, {
    labelSelector: options.labelSelector,
  });
  const present = new Set<string>();
  for (const item of items) {
    const key = keyOf(item);
    present.add(key);
    known.set(key, item);
    emit(options, item, false);
  }
  for (const [key, item] of [...known]) {
    if (!present.has(key)) {
      known.delete(key);
      emit(options, item, true);
    }
  }
  return resourceVersion;
}

type WatchOutcome = {
  resourceVersion?: string;
  /** The resourceVersion expired: list again. */
  gone: boolean;
  /** It delivered events or stayed open a while: a healthy watch that ended normally. */
  productive: boolean;
  error?: unknown;
};

function watchOnce(
  options: WatchObjectsOptions,
  fromVersion: string | undefined,
  known: Map<string, KubernetesObject>,
): Promise<WatchOutcome> {
  const { client, type, signal } = options;
  const path = client.path(type);
  const started = Date.now();
  let resourceVersion = fromVersion;
  let events = 0;
  let gone = false;

  return new Promise<WatchOutcome>(resolve => {
    let request: AbortController | undefined;
    let settled = false;
    let onAbort = () => {};
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      request?.abort();
      const productive = events > 0 || Date.now() - started >= 5_000;
      const name = (error as { name?: string } | undefined)?.name;
      // The client aborts every request after 30 s; for a watch that is just its end.
      const normalEnd =
        !error ||
        signal.aborted ||
        (name === 'TimeoutError' && productive) ||
        (name === 'AbortError' && productive);
      resolve({
        resourceVersion,
        gone,
        productive,
        error: normalEnd
          ? undefined
          : toKubernetesError(error, {
              cluster: client.name,
              method: 'WATCH',
              path,
            }),
      });
    };
    onAbort = () => finish();
    signal.addEventListener('abort', onAbort);

    new Watch(client.kubeConfig)
      .watch(
        path,
        {
          labelSelector: options.labelSelector,
          resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: options.timeoutSeconds ?? 25,
        },
        (phase: string, object: any) => {
          if (settled) return;
          if (object?.metadata?.resourceVersion) {
            resourceVersion = object.metadata.resourceVersion;
          }
          switch (phase) {
            case 'ADDED':
            case 'MODIFIED':
              events += 1;
              known.set(keyOf(object), object);
              emit(options, object, false);
              break;
            case 'DELETED':
              events += 1;
              known.delete(keyOf(object));
              emit(options, object, true);
              break;
            case 'BOOKMARK':
              events += 1;
              break;
            case 'ERROR':
              // A Status object; 410 Gone means our resourceVersion is too old to resume from.
              if (object?.code === 410) {
                gone = true;
                finish();
              } else {
                finish(
                  Object.assign(
                    new Error(
                      `watch error ${object?.code ?? ''} ${
                        object?.reason ?? ''
                      }: ${object?.message ?? ''}`,
                    ),
                    { status: object?.code },
                  ),
                );
              }
              break;
            default:
              break;
          }
        },
        (error: unknown) => {
          const status = (error as { statusCode?: number })?.statusCode;
          if (status === 410) {
            gone = true;
            finish();
          } else if (status !== undefined) {
            finish(
              Object.assign(new Error(`watch answered ${status}`), { status }),
            );
          } else {
            finish(error ?? undefined);
          }
        },
      )
      .then(
        controller => {
          request = controller;
          if (settled) controller.abort();
        },
        error => finish(error),
      );
  });
}

function emit(
  options: WatchObjectsOptions,
  object: KubernetesObject,
  deleted: boolean,
) {
  try {
    options.onEvent(object, deleted);
  } catch (error) {
    // A failing consumer must not end the watch; it sees the next event.
    options.logger?.error(
      `Handling a ${options.type.plural} watch event of cluster '${
        options.client.name
      }' failed: ${messageOf(error)}`,
    );
  }
}

function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
