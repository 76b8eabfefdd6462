import { flattenParams, parseDvcLock } from './dvcLock';

const LOCK = `schema: '2.0'
stages:
  train:
    cmd:
    - python train.py
    - python eval.py
    deps:
    - path: ../data/features
      hash: md5
      md5: 0123456789abcdef0123456789abcdef.dir
      size: 10
      nfiles: 2
    - path: train.py
      md5: '11111111111111111111111111111111'
      size: 3
    - path: s3://bucket/external.csv
      etag: abc
    params:
      params.yaml:
        train: {lr: 0.1, layers: [1, 2]}
        seed: 7
    outs:
    - path: model.pkl
      hash: md5
      md5: '22222222222222222222222222222222'
      size: 5
  split@0:
    cmd: split 0
    outs:
    - path: /abs/out
      md5: '33333333333333333333333333333333'
`;

describe('parseDvcLock', () => {
  it('resolves paths from the lock directory and the stage wdir in dvc.yaml', () => {
    const [train, split] = parseDvcLock(
      LOCK,
      'pipelines/dvc.lock',
      'stages:\n  train:\n    wdir: src\n    cmd: x\n',
    );
    expect(train).toEqual({
      name: 'train',
      cmd: 'python train.py && python eval.py',
      params: {
        'params.yaml:train.lr': '0.1',
        'params.yaml:train.layers': '[1,2]',
        'params.yaml:seed': '7',
      },
      deps: [
        {
          path: 'pipelines/data/features',
          md5: '0123456789abcdef0123456789abcdef.dir',
          hashName: 'md5',
          size: 10,
          nfiles: 2,
          isDir: true,
        },
        // No `hash` key: written by DVC 2.
        {
          path: 'pipelines/src/train.py',
          md5: '11111111111111111111111111111111',
          hashName: 'md5-dos2unix',
          size: 3,
          isDir: false,
        },
      ],
      outs: [
        {
          path: 'pipelines/src/model.pkl',
          md5: '22222222222222222222222222222222',
          hashName: 'md5',
          size: 5,
          isDir: false,
        },
      ],
    });
    // Absolute and external paths are not datasets of the repository.
    expect(split).toEqual({
      name: 'split@0',
      cmd: 'split 0',
      params: {},
      deps: [],
      outs: [],
    });
  });

  it('refuses another lock schema, naming the file', () => {
    expect(() => parseDvcLock('train:\n  cmd: x\n', 'dvc.lock')).toThrow(
      "dvc.lock has lock schema 'none'; only schema 2.0 (DVC 2 and later) is read",
    );
  });

  it('keeps stages at the lock directory when dvc.yaml is missing or broken', () => {
    const [train] = parseDvcLock(LOCK, 'dvc.lock', 'stages: [');
    expect(train.outs[0].path).toBe('model.pkl');
  });

  it('flattens nulls and booleans to strings', () => {
    expect(flattenParams({ 'p.json': { a: null, b: true } })).toEqual({
      'p.json:a': 'null',
      'p.json:b': 'true',
    });
  });
});
