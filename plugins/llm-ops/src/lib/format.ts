/** Small formatting helpers shared by the views. */

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "5 minutes ago", "in 2 hours"; an em dash for no date. */
export function timeAgo(iso: string | null | undefined, now = Date.now()) {
  if (!iso) return '—';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((then - now) / 1000);
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return iso;
}

/** A readable absolute date-time in the browser's zone. */
export function dateTime(iso: string | null | undefined) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** 1.2 GB, 340 kB. */
export function bytes(size: number | null | undefined) {
  if (size === null || size === undefined) return '—';
  const unitsOf = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = size;
  let index = 0;
  while (value >= 1000 && index < unitsOf.length - 1) {
    value /= 1000;
    index++;
  }
  return `${index === 0 ? value : value.toFixed(1)} ${unitsOf[index]}`;
}

/** A metric value with at most 4 significant decimals. */
export function metricValue(value: number | null | undefined) {
  if (value === null || value === undefined) return '—';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(6)));
}

/** "12", or "50+" when there are more pages than the one counted. */
export function countLabel(count: number, more: boolean) {
  return more ? `${count}+` : String(count);
}

/** Duration between two instants, "3m 12s". */
export function duration(
  start: string | null | undefined,
  end: string | null | undefined,
  now = Date.now(),
) {
  if (!start) return '—';
  const ms = (end ? Date.parse(end) : now) - Date.parse(start);
  if (Number.isNaN(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${sec}s`;
  return `${sec}s`;
}
