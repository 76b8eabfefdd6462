import type { LoggerService } from '@backstage/backend-plugin-api';

/**
 * Runs the store writes of one watch one after the other, in the order the tool reported the
 * changes; a failed write is logged and the next one runs. `idle` resolves once everything
 * queued so far is written.
 */
export class WatchQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly logger: LoggerService,
    private readonly what: string,
  ) {}

  push(work: () => Promise<unknown>): void {
    this.tail = this.tail
      .then(async () => {
        await work();
      })
      .catch(error => {
        this.logger.warn(
          `llm-ops ${this.what}: could not record a change: ${
            (error as Error)?.message ?? error
          }`,
        );
      });
  }

  idle(): Promise<void> {
    return this.tail;
  }
}
