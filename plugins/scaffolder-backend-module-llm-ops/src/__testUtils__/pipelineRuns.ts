import type { apiClient } from './llmOpsBackend';

type Api = ReturnType<typeof apiClient>;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The first run of the pipeline, once one has been submitted. */
export async function awaitRun(api: Api, pipeline: string) {
  for (let i = 0; i < 200; i++) {
    const page = await api.get(`/v1/pipelines/${pipeline}/runs`);
    if (page.items.length > 0) return page.items[0];
    await sleep(50);
  }
  throw new Error(`No run of pipeline '${pipeline}' appeared`);
}

const node = (id: string, phase: string, message?: string) => ({
  id,
  name: id,
  displayName: id,
  type: 'Pod',
  phase,
  ...(message ? { message } : {}),
});

/**
 * Plays the built-in runner for the next run of the pipeline, as an orchestrator sync would
 * report it: Running with one of two steps done, then `finalPhase`. Each report waits for the
 * action to have seen the previous one (`stepMs` apart, longer than a poll).
 */
export async function finishRunInBackground(
  api: Api,
  pipeline: string,
  options: { finalPhase?: 'Succeeded' | 'Failed'; stepMs?: number } = {},
) {
  const stepMs = options.stepMs ?? 1200;
  const run = await awaitRun(api, pipeline);
  await api.patch(`/v1/pipeline-runs/${run.id}`, {
    phase: 'Running',
    progress: '1/2',
    nodes: [node('prepare', 'Succeeded'), node('train', 'Running')],
  });
  await sleep(stepMs);
  const failed = options.finalPhase === 'Failed';
  await api.patch(`/v1/pipeline-runs/${run.id}`, {
    phase: options.finalPhase ?? 'Succeeded',
    progress: failed ? '1/2' : '2/2',
    nodes: [
      node('prepare', 'Succeeded'),
      failed
        ? node('train', 'Failed', 'CUDA out of memory')
        : node('train', 'Succeeded'),
    ],
  });
  return run;
}
