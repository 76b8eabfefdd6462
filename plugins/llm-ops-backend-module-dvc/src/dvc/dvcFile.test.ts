import { isDvcFilePath, parseDvcFile } from './dvcFile';

describe('parseDvcFile', () => {
  it('reads outputs relative to the .dvc file, with desc, size and nfiles', () => {
    expect(
      parseDvcFile(
        'outs:\n- md5: 7836547ee3aaee03b907f6cec48e596c.dir\n  size: 4\n  nfiles: 2\n  hash: md5\n  path: images\n  desc: Product photos\n',
        'data/images.dvc',
      ),
    ).toEqual([
      {
        path: 'data/images',
        md5: '7836547ee3aaee03b907f6cec48e596c.dir',
        hashName: 'md5',
        size: 4,
        nfiles: 2,
        isDir: true,
        desc: 'Product photos',
      },
    ]);
  });

  it('leaves out paths outside the repository and malformed hashes', () => {
    expect(
      parseDvcFile(
        'outs:\n- path: ../../etc/passwd\n  md5: 00000000000000000000000000000000\n- path: x.csv\n  md5: not-a-hash\n',
        'data/x.dvc',
      ),
    ).toEqual([{ path: 'data/x.csv', hashName: 'md5-dos2unix', isDir: false }]);
  });

  it('throws on YAML that does not parse', () => {
    expect(() => parseDvcFile('outs: [', 'a.dvc')).toThrow();
  });
});

describe('isDvcFilePath', () => {
  it('matches .dvc files, not DVC’s own directory', () => {
    expect(isDvcFilePath('data/raw.csv.dvc')).toBe(true);
    expect(isDvcFilePath('x.dvc')).toBe(true);
    expect(isDvcFilePath('.dvc')).toBe(false);
    expect(isDvcFilePath('.dvc/tmp/a.dvc')).toBe(false);
    expect(isDvcFilePath('data/raw.csv')).toBe(false);
  });
});
