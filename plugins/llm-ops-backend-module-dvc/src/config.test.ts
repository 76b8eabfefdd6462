import { ConfigReader, type JsonValue } from '@backstage/config';
import { resolve } from 'node:path';
import { readDvcRepositories } from './config';

const read = (repositories: JsonValue | undefined) =>
  readDvcRepositories(new ConfigReader({ llmOps: { dvc: { repositories } } }));

describe('readDvcRepositories', () => {
  it('reads local and URL repositories with their defaults', () => {
    expect(
      read([
        { name: 'datasets', path: '../../examples/dvc-repo' },
        {
          name: 'remote',
          url: 'https://github.com/org/data.git/',
          refs: ['v1.0', 'release/2', 'main', 'v1.0'],
          maxRevisions: 5,
        },
      ]),
    ).toEqual([
      {
        name: 'datasets',
        location: { kind: 'path', path: resolve('../../examples/dvc-repo') },
        maxRevisions: 50,
        configPath: 'llmOps.dvc.repositories[0]',
      },
      {
        name: 'remote',
        location: { kind: 'url', url: 'https://github.com/org/data' },
        refs: ['v1.0', 'release/2', 'main'],
        maxRevisions: 5,
        configPath: 'llmOps.dvc.repositories[1]',
      },
    ]);
  });

  it('returns nothing without llmOps.dvc', () => {
    expect(readDvcRepositories(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [undefined, "Missing required config value at 'llmOps.dvc.repositories'"],
    [
      [{ path: '/x' }],
      "Missing required config value at 'llmOps.dvc.repositories[0].name'",
    ],
    [
      [{ name: '-bad', path: '/x' }],
      "Invalid repository name '-bad' at 'llmOps.dvc.repositories[0].name'",
    ],
    [
      [
        { name: 'a', path: '/x' },
        { name: 'a', path: '/y' },
      ],
      "Duplicate repository name 'a' at 'llmOps.dvc.repositories[1].name'",
    ],
    [
      [{ name: 'a', path: '/x', url: 'https://github.com/o/r' }],
      "Give exactly one of 'llmOps.dvc.repositories[0].path'",
    ],
    [
      [{ name: 'a', url: 'ftp://h/r', refs: ['main'] }],
      "expected http or https, got 'ftp:'",
    ],
    [
      [{ name: 'a', url: 'https://u:p@github.com/o/r', refs: ['main'] }],
      "The URL at 'llmOps.dvc.repositories[0].url' contains credentials",
    ],
    [
      [{ name: 'a', path: '/x', refs: [] }],
      "Empty list at 'llmOps.dvc.repositories[0].refs'",
    ],
    [
      [{ name: 'a', path: '/x', maxRevisions: 0 }],
      "Invalid config value at 'llmOps.dvc.repositories[0].maxRevisions'",
    ],
    [
      [{ name: 'a', path: '/x', maxRevisions: 2.5 }],
      "Invalid config value at 'llmOps.dvc.repositories[0].maxRevisions'",
    ],
  ])('rejects %j, naming the path', (repositories, message) => {
    expect(() => read(repositories)).toThrow(message);
  });

  it.each([
    '--upload-pack=touch /tmp/pwned',
    '-x',
    'main..other',
    'HEAD@{1}',
    'a b',
    'a;rm -rf /',
    '$(id)',
    '/abs',
    'x.lock',
    'feature/',
    '.hidden',
    'a/.b',
  ])('rejects the ref %j, which must never reach git or a URL', ref => {
    expect(() => read([{ name: 'a', path: '/x', refs: [ref] }])).toThrow(
      `Invalid ref '${ref}' at 'llmOps.dvc.repositories[0].refs[0]'`,
    );
  });
});
