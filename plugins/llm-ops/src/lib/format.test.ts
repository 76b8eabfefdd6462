import { bytes, countLabel, duration, metricValue, timeAgo } from './format';

describe('format', () => {
  const now = Date.parse('2026-11-20T12:00:00Z');

  it('says how long ago', () => {
    expect(timeAgo('2026-11-20T11:55:00Z', now)).toBe('5 minutes ago');
    expect(timeAgo(null, now)).toBe('—');
  });

  it('counts with a plus when there is more', () => {
    expect(countLabel(50, true)).toBe('50+');
    expect(countLabel(7, false)).toBe('7');
  });

  it('formats sizes, metrics and durations', () => {
    expect(bytes(1_500_000)).toBe('1.5 MB');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(null)).toBe('—');
    expect(metricValue(0.912345678)).toBe('0.912346');
    expect(metricValue(0.00001234)).toBe('1.234e-5');
    expect(metricValue(3)).toBe('3');
    expect(duration('2026-11-20T11:00:00Z', '2026-11-20T11:03:12Z')).toBe(
      '3m 12s',
    );
    expect(duration(null, null)).toBe('—');
  });
});
