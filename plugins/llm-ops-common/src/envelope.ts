/**
 * The shape of every answer of the /llm-ops/v1 API, success or error.
 *
 * @public
 */
export type LlmOpsEnvelope<T> =
  | { status: 'success'; message: string; data: T }
  | {
      status: 'error';
      message: string;
      data: { error: { name: string; field?: string } } | null;
    };
