import { cardSummary } from './modelCard';

describe('cardSummary', () => {
  it('takes the first prose paragraph after the front matter', () => {
    const readme = [
      '---',
      'license: apache-2.0',
      'tags: [a]',
      '---',
      '',
      '# My model',
      '',
      '![banner](banner.png)',
      '[![badge](b.svg)](https://ci)',
      '',
      'A **small** model that [says](https://x) hello,',
      'in `two` lines.',
      '',
      'Second paragraph.',
    ].join('\n');
    expect(cardSummary(readme)).toBe(
      'A small model that says hello, in two lines.',
    );
  });

  it('skips code, HTML, tables, lists and comments', () => {
    const readme = [
      '<!-- generated -->',
      '<div align="center">x</div>',
      '```',
      'not prose',
      '```',
      '| a | b |',
      '- item',
      '> quote',
      'Prose at last.',
    ].join('\n');
    expect(cardSummary(readme)).toBe('Prose at last.');
  });

  it('returns undefined for a card without prose, and cuts long paragraphs at a word', () => {
    expect(cardSummary('---\nlicense: mit\n---\n# Title\n')).toBeUndefined();
    const long = cardSummary(`${'word '.repeat(400)}end`)!;
    expect(long.length).toBeLessThanOrEqual(1001);
    expect(long.endsWith('word…')).toBe(true);
  });
});
