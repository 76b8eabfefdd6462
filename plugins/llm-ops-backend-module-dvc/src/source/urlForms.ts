import type { ScmIntegrationRegistry } from '@backstage/integration';

/**
 * How a provider's web URLs name a ref, which is how Backstage's URL readers are addressed: the
 * reader parses the ref out of the URL (git-url-parse) and fetches that revision's archive or file.
 */
export type RefUrlForm = {
  /** The URL of the whole tree at a ref, for `readTree`. */
  tree(ref: string): string;
  /** The URL of a file at a ref, for `readUrl` and for links. */
  file(ref: string, path: string): string;
};

/** The providers whose URL readers take a ref in the URL path, and their URL shapes. */
const FORMS: Record<string, (repo: string) => RefUrlForm> = {
  // https://github.com/o/r/tree/<ref>, https://github.com/o/r/blob/<ref>/<path>
  github: repo => ({
    tree: ref => `${repo}/tree/${encodeRef(ref)}`,
    file: (ref, path) => `${repo}/blob/${encodeRef(ref)}/${encodePath(path)}`,
  }),
  // https://gitlab.com/o/r/-/tree/<ref>, https://gitlab.com/o/r/-/blob/<ref>/<path>
  gitlab: repo => ({
    tree: ref => `${repo}/-/tree/${encodeRef(ref)}`,
    file: (ref, path) => `${repo}/-/blob/${encodeRef(ref)}/${encodePath(path)}`,
  }),
  // https://bitbucket.org/o/r/src/<ref>/, https://bitbucket.org/o/r/src/<ref>/<path>
  bitbucketCloud: repo => ({
    tree: ref => `${repo}/src/${encodeRef(ref)}/`,
    file: (ref, path) => `${repo}/src/${encodeRef(ref)}/${encodePath(path)}`,
  }),
};

/**
 * The URL form for a configured repository URL, found through the integrations config (so a
 * GitHub Enterprise or self-hosted GitLab host works when it is configured there). Throws,
 * naming the config path, for a host without a supported integration.
 */
export function refUrlFormFor(
  integrations: ScmIntegrationRegistry,
  repoUrl: string,
  configPath: string,
): RefUrlForm {
  const integration = integrations.byUrl(repoUrl);
  if (!integration) {
    throw new Error(
      `No Backstage integration matches the host of '${configPath}.url'; add one under 'integrations' (github, gitlab or bitbucketCloud)`,
    );
  }
  const form = FORMS[integration.type];
  if (!form) {
    throw new Error(
      `The integration type '${integration.type}' of '${configPath}.url' is not supported; use a GitHub, GitLab or Bitbucket Cloud repository, or a local path`,
    );
  }
  return form(repoUrl);
}

/** Refs are validated (isSafeRef); their `/` separates path segments as the providers expect. */
function encodeRef(ref: string): string {
  return ref.split('/').map(encodeURIComponent).join('/');
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
