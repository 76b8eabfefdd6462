import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describeWithDvc, dvcPath } from '../__testUtils__/dvc';
import {
  buildDvcRepository,
  dirMd5,
  md5,
  type DvcRepositoryFixture,
} from '../__testUtils__/dvcRepository';
import { GitBackedUrlReader } from '../__testUtils__/gitBackedUrlReader';
import { run } from '../__testUtils__/run';
import { DvcDataVersioningAdapter } from './DvcDataVersioningAdapter';

// The fixture's data, so the expected hashes are computed here and not taken from DVC.
const RAW_V1 = 'id,text\n1,hello\n2,world\n';
const RAW_V2 = `${RAW_V1}3,again\n`;
const IMAGES_V1 = { 'a.txt': 'image a\n', 'b.txt': 'image b\n' };
const IMAGES_V2 = { ...IMAGES_V1, 'c.txt': 'image c\n' };
const PREPARED = { 'rows.csv': RAW_V2, 'images.txt': 'a.txt\nb.txt\nc.txt\n' };

/** DVC's `size`: the bytes of a file, or of all files of a directory. */
function sizeOf(content: string | Record<string, string>): number {
  return typeof content === 'string'
    ? Buffer.byteLength(content)
    : Object.values(content).reduce((sum, file) => sum + sizeOf(file), 0);
}

/** The URL reader is only used for `url` repositories; local ones must never reach it. */
const unusedReader: UrlReaderService = {
  readUrl: () => Promise.reject(new Error('unexpected readUrl')),
  readTree: () => Promise.reject(new Error('unexpected readTree')),
  search: () => Promise.reject(new Error('unexpected search')),
};

function adapterFor(
  repository: Record<string, unknown>,
  reader: UrlReaderService = unusedReader,
): DvcDataVersioningAdapter {
  const [adapter] = DvcDataVersioningAdapter.fromConfig(
    new ConfigReader({
      llmOps: { dvc: { repositories: [{ name: 'datasets', ...repository }] } },
    }),
    { reader, logger: mockServices.logger.mock() },
  );
  return adapter;
}

describeWithDvc('DvcDataVersioningAdapter with real DVC repositories', () => {
  let repo: DvcRepositoryFixture;
  const short = (sha: string) => sha.slice(0, 12);

  beforeAll(async () => {
    repo = await buildDvcRepository(dvcPath!);
  }, 180_000);
  afterAll(async () => {
    await repo?.cleanup();
  });

  describe('a local checkout (git CLI)', () => {
    it('reports a version per tag or commit where the data changed, with what DVC recorded', async () => {
      const adapter = adapterFor({ path: repo.root });
      expect(adapter.id).toBe('dvc:datasets');
      expect(adapter.category).toBe('data-versioning');
      expect([...adapter.capabilities]).toEqual(['stage-lineage']);

      const versions = await adapter.listDatasetVersions();
      const { v1, v2, prepare } = repo.commits;
      const object = (hash: string) =>
        `${repo.remote}/files/md5/${hash.slice(0, 2)}/${hash.slice(2)}`;
      const expected = [
        ['data/raw.csv', 'v1', v1, md5(RAW_V1), sizeOf(RAW_V1), 1, 'csv'],
        [
          'data/images',
          'v1',
          v1,
          dirMd5(IMAGES_V1),
          sizeOf(IMAGES_V1),
          2,
          'dir',
        ],
        ['data/raw.csv', 'v2', v2, md5(RAW_V2), sizeOf(RAW_V2), 1, 'csv'],
        [
          'data/images',
          'v2',
          v2,
          dirMd5(IMAGES_V2),
          sizeOf(IMAGES_V2),
          3,
          'dir',
        ],
        [
          'data/prepared',
          short(prepare),
          prepare,
          dirMd5(PREPARED),
          sizeOf(PREPARED),
          2,
          'dir',
        ],
      ] as const;
      expect(
        [...versions].sort(
          (a, b) =>
            a.createdAt! - b.createdAt! ||
            a.datasetName.localeCompare(b.datasetName),
        ),
      ).toEqual(
        [...expected]
          .sort(
            (a, b) =>
              repo.times.get(a[2])! - repo.times.get(b[2])! ||
              a[0].localeCompare(b[0]),
          )
          .map(([path, label, sha, hash, size, files, format]) => ({
            datasetName: `datasets/${path}`,
            version: label,
            uri: object(hash),
            digest: `md5:${hash}`,
            sizeBytes: size,
            fileCount: files,
            format,
            remoteUrl: repo.remote,
            source: { repository: repo.root, path, revision: sha },
            createdAt: repo.times.get(sha),
          })),
      );
      // The readme commit changed no data, so no version is labelled with it.
      expect(versions.map(v => v.version)).not.toContain(
        short(repo.commits.readme),
      );
    });

    it('has digests equal to what dvc wrote in the .dvc files at each tag', async () => {
      const versions = await adapterFor({
        path: repo.root,
      }).listDatasetVersions();
      for (const tag of ['v1', 'v2']) {
        for (const path of ['data/raw.csv', 'data/images']) {
          const written = parse(await repo.git('show', `${tag}:${path}.dvc`));
          const version = versions.find(
            v => v.datasetName === `datasets/${path}` && v.version === tag,
          );
          expect(version?.digest).toBe(`md5:${written.outs[0].md5}`);
          expect(version?.sizeBytes).toBe(written.outs[0].size);
        }
      }
    });

    it('points every version at an object that dvc push put into the remote', async () => {
      const versions = await adapterFor({
        path: repo.root,
      }).listDatasetVersions();
      expect(versions).toHaveLength(5);
      for (const version of versions) {
        await expect(access(version.uri)).resolves.toBeUndefined();
      }
    });

    it('reports the prepare stage from dvc.lock when it ran: dataset deps -> outs, params, commit time', async () => {
      const stages = await adapterFor({ path: repo.root }).listStageLineage();
      const { prepare } = repo.commits;
      const lineage = (sha: string) => ({
        stage: 'prepare',
        repository: repo.root,
        revision: sha,
        version: short(sha),
        cmd: 'sh prepare.sh',
        params: {
          'params.yaml:prepare.split': '0.25',
          'params.yaml:prepare.seed': '7',
        },
        // prepare.sh is a dependency in dvc.lock too, but code, not a dataset.
        deps: [
          { datasetName: 'datasets/data/images', version: 'v2' },
          { datasetName: 'datasets/data/raw.csv', version: 'v2' },
        ],
        outs: [
          { datasetName: 'datasets/data/prepared', version: short(prepare) },
        ],
      });
      // The README commit left the stage in dvc.lock as it was: one run, not one per commit.
      expect(stages).toEqual([
        { ...lineage(prepare), committedAt: expect.any(Number) },
      ]);
      const versions = await adapterFor({
        path: repo.root,
      }).listDatasetVersions();
      expect(stages[0].committedAt).toBe(
        versions.find(v => v.source.revision === prepare)?.createdAt,
      );
    });

    it('reads only the configured refs, and maxRevisions commits plus the tags by default', async () => {
      const { v2, readme } = repo.commits;
      const byRefs = await adapterFor({
        path: repo.root,
        refs: ['v2', 'main'],
      }).listDatasetVersions();
      expect(
        byRefs.map(v => [v.datasetName, v.version, v.source.revision]),
      ).toEqual([
        ['datasets/data/images', 'v2', v2],
        ['datasets/data/raw.csv', 'v2', v2],
        ['datasets/data/prepared', short(readme), readme],
      ]);

      const latest = await adapterFor({
        path: repo.root,
        maxRevisions: 1,
      }).listDatasetVersions();
      expect(new Set(latest.map(v => v.version))).toEqual(
        new Set(['v1', 'v2', short(readme)]),
      );
    });

    it('is up when the repository is readable, down with the reason when it is not', async () => {
      const health = await adapterFor({ path: repo.root }).checkHealth();
      expect(health).toMatchObject({ state: 'up' });
      expect(health.lastError).toBeUndefined();

      const missing = join(repo.root, 'no-such-dir');
      await expect(
        adapterFor({ path: missing }).checkHealth(),
      ).resolves.toMatchObject({
        state: 'down',
        lastError: `The repository path ${missing} does not exist or is not a directory`,
      });

      const empty = await mkdtemp(join(tmpdir(), 'llm-ops-dvc-empty-'));
      try {
        const notGit = await adapterFor({ path: empty }).checkHealth();
        expect(notGit.state).toBe('down');
        expect(notGit.lastError).toContain(
          `${empty} is not a readable git repository`,
        );
        await expect(
          adapterFor({ path: empty }).listDatasetVersions(),
        ).rejects.toThrow('dvc:datasets: Reading the repository failed: git');
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    });

    it('degrades, and still reports the rest, on an unknown ref or a broken .dvc file', async () => {
      const unknownRef = adapterFor({ path: repo.root, refs: ['v1', 'v9'] });
      expect(
        (await unknownRef.listDatasetVersions()).map(v => v.version),
      ).toEqual(['v1', 'v1']);
      await expect(unknownRef.checkHealth()).resolves.toMatchObject({
        state: 'degraded',
        lastError: `The ref 'v9' does not name a commit in ${repo.root}`,
      });

      // A clone with a commit whose .dvc file is not YAML, and one that restores it.
      const clone = await mkdtemp(join(tmpdir(), 'llm-ops-dvc-clone-'));
      try {
        const gitInClone = (...args: string[]) =>
          run(
            'git',
            ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args],
            { cwd: clone, env: repo.env },
          );
        await gitInClone('clone', '-q', repo.root, clone);
        const good = await gitInClone('show', 'HEAD:data/raw.csv.dvc');
        await writeFile(
          join(clone, 'data', 'raw.csv.dvc'),
          'outs: [unclosed\n',
        );
        await gitInClone('commit', '-q', '-am', 'broken');
        const brokenSha = (await gitInClone('rev-parse', 'HEAD')).trim();
        await writeFile(join(clone, 'data', 'raw.csv.dvc'), good);
        await gitInClone('commit', '-q', '-am', 'fixed');

        const broken = adapterFor({ path: clone });
        // The broken revision hides nothing: no version disappears or comes back as new.
        const versions = await broken.listDatasetVersions();
        expect(versions.map(v => v.version).sort()).toEqual(
          ['v1', 'v1', 'v2', 'v2', short(repo.commits.prepare)].sort(),
        );
        // Nor does the stage seem to run again: its inputs at the broken commit are still v2.
        const stages = await broken.listStageLineage();
        expect(stages.map(stage => stage.revision)).toEqual([
          repo.commits.prepare,
        ]);
        expect(stages[0].deps).toContainEqual({
          datasetName: 'datasets/data/raw.csv',
          version: 'v2',
        });
        const health = await broken.checkHealth();
        expect(health.state).toBe('degraded');
        expect(health.lastError).toMatch(
          new RegExp(
            `^data/raw\\.csv\\.dvc: .+ \\(at ${short(brokenSha)}\\)$`,
            's',
          ),
        );
      } finally {
        await rm(clone, { recursive: true, force: true });
      }
    });
  });

  describe('a repository URL (Backstage URL reader)', () => {
    const url = 'https://github.com/llm-ops-test/dvc-repo';

    it('reads the configured refs in order, labelled with the ref names', async () => {
      const reader = new GitBackedUrlReader(repo.root, url);
      const adapter = adapterFor({ url, refs: ['v1', 'v2', 'main'] }, reader);
      const { v1, v2, readme } = repo.commits;

      const versions = await adapter.listDatasetVersions();
      expect(
        versions.map(v => [
          v.datasetName,
          v.version,
          v.source.revision,
          v.digest,
          v.url,
        ]),
      ).toEqual([
        [
          'datasets/data/images',
          'v1',
          v1,
          `md5:${dirMd5(IMAGES_V1)}`,
          `${url}/blob/${v1}/data/images.dvc`,
        ],
        [
          'datasets/data/raw.csv',
          'v1',
          v1,
          `md5:${md5(RAW_V1)}`,
          `${url}/blob/${v1}/data/raw.csv.dvc`,
        ],
        [
          'datasets/data/images',
          'v2',
          v2,
          `md5:${dirMd5(IMAGES_V2)}`,
          `${url}/blob/${v2}/data/images.dvc`,
        ],
        [
          'datasets/data/raw.csv',
          'v2',
          v2,
          `md5:${md5(RAW_V2)}`,
          `${url}/blob/${v2}/data/raw.csv.dvc`,
        ],
        [
          'datasets/data/prepared',
          'main',
          readme,
          `md5:${dirMd5(PREPARED)}`,
          `${url}/blob/${readme}/dvc.lock`,
        ],
      ]);
      // The remote comes from .dvc/config as read through the reader; commit times are unknown.
      expect(versions[0]).toMatchObject({
        remoteUrl: repo.remote,
        source: { repository: url },
      });
      expect(versions[0].createdAt).toBeUndefined();
      expect(await adapter.listStageLineage()).toEqual([
        expect.objectContaining({
          stage: 'prepare',
          revision: readme,
          version: 'main',
          deps: [
            { datasetName: 'datasets/data/images', version: 'v2' },
            { datasetName: 'datasets/data/raw.csv', version: 'v2' },
          ],
          outs: [{ datasetName: 'datasets/data/prepared', version: 'main' }],
        }),
      ]);
      // The second read sent each tree's etag (its commit) and downloaded nothing again.
      expect(reader.treeReads.map(r => [r.url, r.notModified])).toEqual([
        [`${url}/tree/v1`, false],
        [`${url}/tree/v2`, false],
        [`${url}/tree/main`, false],
        [`${url}/tree/v1`, true],
        [`${url}/tree/v2`, true],
        [`${url}/tree/main`, true],
      ]);
      await expect(adapter.checkHealth()).resolves.toMatchObject({
        state: 'up',
      });
    });

    it('is down, naming the file and ref, when the repository cannot be read', async () => {
      const reader = new GitBackedUrlReader(repo.root, url);
      const adapter = adapterFor({ url, refs: ['gone'] }, reader);
      await expect(adapter.checkHealth()).resolves.toMatchObject({
        state: 'down',
        lastError: `Reading .dvc/config at 'gone' of ${url} failed: No ref 'gone' in ${url}`,
      });
    });
  });
});
