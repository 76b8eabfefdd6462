export { HuggingFaceHubError, HuggingFaceRateLimitError } from './errors';
export { createRateLimitedFetch, retryAfterSeconds } from './rateLimitedFetch';
export type { RateLimitOptions } from './rateLimitedFetch';
export { cardSummary, README_MAX_BYTES } from './modelCard';
