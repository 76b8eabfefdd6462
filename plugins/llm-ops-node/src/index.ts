/**
 * Extension points and adapter interfaces through which tool modules plug into the llm-ops backend.
 *
 * @packageDocumentation
 */
export * from './integration';
export * from './healthTracker';
export * from './page';
export * from './tracking';
export * from './registry';
export * from './serving';
export * from './orchestration';
export * from './dataVersioning';
export * from './extensionPoints';
export * from './config/readers';
