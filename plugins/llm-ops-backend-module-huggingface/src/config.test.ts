import { ConfigReader } from '@backstage/config';
import { readHuggingFaceHubs } from './config';

const read = (hubs: Record<string, string | string[] | number>[]) =>
  readHuggingFaceHubs(new ConfigReader({ llmOps: { huggingface: { hubs } } }));

describe('readHuggingFaceHubs', () => {
  it('fills in the defaults and keeps what is configured', () => {
    expect(
      read([
        { name: 'public', models: ['org/a', 'org/a'] },
        {
          name: 'mirror',
          url: 'http://mirror:8090/hub/',
          token: 'hf_abc',
          authors: ['my-org'],
          maxRevisions: 5,
        },
      ]),
    ).toEqual([
      {
        name: 'public',
        url: 'https://huggingface.co',
        models: ['org/a'],
        authors: [],
        maxRevisions: 20,
      },
      {
        name: 'mirror',
        url: 'http://mirror:8090/hub',
        token: 'hf_abc',
        models: [],
        authors: ['my-org'],
        maxRevisions: 5,
      },
    ]);
    expect(readHuggingFaceHubs(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [
      { models: ['a/b'] },
      "Missing required config value at 'llmOps.huggingface.hubs[0].name'",
    ],
    [{ name: 'x' }, "Nothing to import at 'llmOps.huggingface.hubs[0]'"],
    [{ name: 'x', models: ['a'] }, "'llmOps.huggingface.hubs[0].models[0]'"],
    [
      { name: 'x', authors: ['a/b'] },
      "'llmOps.huggingface.hubs[0].authors[0]'",
    ],
    [
      { name: 'x', models: ['a/b'], maxRevisions: 0 },
      "'llmOps.huggingface.hubs[0].maxRevisions'",
    ],
    [
      { name: 'x', models: ['a/b'], url: 'ftp://hub' },
      "Invalid URL at 'llmOps.huggingface.hubs[0].url'",
    ],
    [
      { name: 'x', models: ['a/b'], url: 'https://u:p@hub' },
      'contains credentials',
    ],
  ])('rejects %j naming the path', (hub, message) => {
    expect(() => read([hub])).toThrow(message);
  });

  it('rejects a token the Hub library would refuse, without echoing it', () => {
    let message = '';
    try {
      read([{ name: 'x', models: ['a/b'], token: 'secret-not-hf' }]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("'llmOps.huggingface.hubs[0].token'");
    expect(message).not.toContain('secret-not-hf');
  });

  it('rejects duplicate hub names', () => {
    expect(() =>
      read([
        { name: 'x', models: ['a/b'] },
        { name: 'x', authors: ['c'] },
      ]),
    ).toThrow("Duplicate hub name 'x' at 'llmOps.huggingface.hubs[1].name'");
  });
});
