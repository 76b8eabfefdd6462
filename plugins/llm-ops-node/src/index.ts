/**
 * Extension points and adapter interfaces through which tool modules plug into the llm-ops backend.
 *
 * @packageDocumentation
 */
export * from './integration';
