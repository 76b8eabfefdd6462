/**
 * The spec fields every LLM Ops kind has.
 *
 * @public
 */
export type LlmOpsEntitySpecBase = {
  /** An entity reference to the owner (a Group or User). */
  owner: string;
  /** The lifecycle state, e.g. experimental, production or deprecated. */
  lifecycle?: string;
  /** The type of the asset, free-form. */
  type?: string;
  /** An entity reference to the System the asset is part of. */
  system?: string;
  /** Entity references to the Components (or other entities) that depend on the asset. */
  dependencyOf?: string[];
};
