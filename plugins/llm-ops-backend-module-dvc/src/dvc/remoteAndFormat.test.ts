import { formatOf } from './format';
import { remoteObjectUrl, resolveRemoteUrl } from './remote';

describe('remoteObjectUrl', () => {
  it('follows the DVC 3 layout, and the DVC 2 one for entries without `hash: md5`', () => {
    const md5 = 'e5ebd4c02cefbe7955977c67ada242b7';
    expect(
      remoteObjectUrl('s3://b/p/', {
        path: 'a',
        md5,
        hashName: 'md5',
        isDir: false,
      }),
    ).toBe('s3://b/p/files/md5/e5/ebd4c02cefbe7955977c67ada242b7');
    expect(
      remoteObjectUrl('s3://b/p', {
        path: 'a',
        md5: `${md5}.dir`,
        hashName: 'md5-dos2unix',
        isDir: true,
      }),
    ).toBe('s3://b/p/e5/ebd4c02cefbe7955977c67ada242b7.dir');
    expect(
      remoteObjectUrl('s3://b', { path: 'a', hashName: 'md5', isDir: false }),
    ).toBeUndefined();
  });

  it('resolves a relative local remote from the checkout’s .dvc directory', () => {
    // DVC stores a relative remote relative to the config file, .dvc/config.
    expect(resolveRemoteUrl('../storage', '/repos/data')).toBe(
      '/repos/data/storage',
    );
    expect(resolveRemoteUrl('../storage')).toBe('../storage');
    expect(resolveRemoteUrl('s3://b/p', '/repos/data')).toBe('s3://b/p');
    expect(resolveRemoteUrl('/abs', '/repos/data')).toBe('/abs');
  });
});

describe('formatOf', () => {
  it.each([
    ['data/train.csv', false, 'csv'],
    ['data/x.PARQUET', false, 'parquet'],
    ['data/x.jsonl.gz', false, 'jsonl.gz'],
    ['data/images', true, 'dir'],
    ['data/README', false, undefined],
    ['data/.hidden', false, undefined],
  ])('%s => %s', (path, isDir, format) => {
    expect(formatOf(path, isDir)).toBe(format);
  });
});
