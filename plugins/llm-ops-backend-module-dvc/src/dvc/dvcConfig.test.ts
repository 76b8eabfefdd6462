import { defaultRemoteOf, parseDvcConfig } from './dvcConfig';

describe('parseDvcConfig', () => {
  it('reads the default remote as dvc remote add -d writes it', () => {
    const config = parseDvcConfig(
      `[core]\n    remote = storage\n['remote "storage"']\n    url = s3://bucket/data\n['remote "other"']\n    url = /mnt/other\n`,
    );
    expect(defaultRemoteOf(config)).toEqual({
      name: 'storage',
      url: 's3://bucket/data',
    });
    expect(config.remotes.get('other')).toBe('/mnt/other');
  });

  it('takes sections without the outer quotes, quoted values, comments and CRLF', () => {
    const config = parseDvcConfig(
      `# comment\r\n[core]\r\n  remote = "my remote"  \r\n; another\r\n[remote "my remote"]\r\n  url = gs://b/p # inline\r\n  Region = x\r\n`,
    );
    expect(defaultRemoteOf(config)).toEqual({
      name: 'my remote',
      url: 'gs://b/p',
    });
  });

  it('has no default remote when core.remote is missing or names an undefined remote', () => {
    expect(
      defaultRemoteOf(parseDvcConfig(`['remote "a"']\nurl = /x\n`)),
    ).toBeUndefined();
    expect(
      defaultRemoteOf(
        parseDvcConfig(`[core]\nremote = b\n['remote "a"']\nurl = /x\n`),
      ),
    ).toBeUndefined();
    expect(defaultRemoteOf(parseDvcConfig(''))).toBeUndefined();
  });
});
