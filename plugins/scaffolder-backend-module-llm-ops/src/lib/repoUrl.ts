import { InputError } from '@backstage/errors';

/**
 * A repository as an https URL (`https://github.com/acme/datasets`) or as RepoUrlPicker writes it
 * (`github.com?owner=acme&repo=datasets`).
 */
export const REPO_URL =
  /^(https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~-]+)+\/?|[A-Za-z0-9.-]+(:[0-9]{1,5})?\?[A-Za-z0-9._~=&%/-]+)$/;
export const REPO_URL_RULE =
  'an https URL such as https://github.com/acme/datasets, or what RepoUrlPicker returns (github.com?owner=acme&repo=datasets)';

const SEGMENT = /^[A-Za-z0-9._~-]+$/;

/** The https URL of a repository given in either form of {@link REPO_URL}. */
export function normalizeRepoUrl(repoUrl: string): string {
  if (repoUrl.startsWith('https://')) {
    return repoUrl.replace(/\/+$/, '').replace(/\.git$/, '');
  }
  const [host, query] = repoUrl.split('?', 2);
  const params = new URLSearchParams(query);
  const part = (key: string) => {
    const value = params.get(key) ?? undefined;
    if (value !== undefined && !value.split('/').every(s => SEGMENT.test(s))) {
      throw new InputError(
        `The repository '${repoUrl}' has an invalid ${key} '${value}'`,
      );
    }
    return value;
  };
  const repo = part('repo');
  const owner = part('owner');
  const workspace = part('workspace');
  const organization = part('organization');
  const project = part('project');
  if (repo && organization && project) {
    // Azure DevOps
    return `https://${host}/${organization}/${project}/_git/${repo}`;
  }
  if (repo && (owner || workspace)) {
    return `https://${host}/${owner ?? workspace}/${repo}`;
  }
  throw new InputError(
    `The repository '${repoUrl}' names no owner and repo; give ${REPO_URL_RULE}`,
  );
}
