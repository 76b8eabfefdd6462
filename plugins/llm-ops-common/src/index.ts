/**
 * Types, permissions and kind schemas shared by the LLM Ops frontend and backend packages.
 *
 * @packageDocumentation
 */
export * from './envelope';
export * from './kinds';
export * from './permissions';
