/**
 * Metric points written as JSON text by PostgreSQL, for history pages too large to build object
 * by object in the backend (MetricHistory.pageJson). The database concatenates each point's
 * text form; this module makes that text what JSON.stringify would have written.
 */

/**
 * One point as `{"step":S,"timestamp":T,"value":V}`, joined with commas by string_agg. Plain
 * concatenation: json_build_object and json_agg cost three times as much on a 10,000-point page
 * (docs/benchmarks.md). int8 text is a JSON integer; float8 text (shortest exact form with the
 * default extra_float_digits = 1) is a JSON number except NaN, Infinity, -Infinity and -0,
 * which renderedPointsArray rewrites.
 */
export const pointsTextAggregate = `string_agg('{"step":' || step || ',"timestamp":' || timestamp || ',"value":' || value || '}', ',')`;

const pointStart = '{"step":';
const pointPattern = /^\{"step":(-?\d+),"timestamp":(-?\d+),"value":([^}]+)\}$/;

/**
 * The text of the first `pageSize` of `fetched` points (the query asks for one more to know
 * whether another page follows) as a JSON array, and the last kept point's key for the cursor,
 * parsed from its text as node-postgres would have (NaN stays NaN there, so the next page starts
 * where page() would start it).
 */
export function finishRenderedPoints(
  text: string,
  fetched: number,
  pageSize: number,
): { json: string; lastKey?: [number, number, number] } {
  let kept = text;
  let lastKey: [number, number, number] | undefined;
  if (fetched > pageSize) {
    kept = text.slice(0, text.lastIndexOf(`,${pointStart}`));
    const last = pointPattern.exec(kept.slice(kept.lastIndexOf(pointStart)));
    if (!last) throw new Error('Unexpected rendered metric point');
    lastKey = [Number(last[1]), Number(last[2]), Number(last[3])];
  }
  return { json: renderedPointsArray(kept), lastKey };
}

/** Points joined by pointsTextAggregate as the JSON array JSON.stringify would have written. */
export function renderedPointsArray(text: string): string {
  return `[${asJsonNumbers(text)}]`;
}

/**
 * JSON.stringify writes non-finite numbers as null and -0 as 0. Only a value can spell them: the
 * keys are not NaN or Infinity, and step and timestamp are integers followed by a comma.
 */
function asJsonNumbers(text: string): string {
  let json = text;
  // includes() of a fixed string is a memory scan: 0.01 ms on 670 KB, against 0.4 ms for /[NI]/.
  if (json.includes('NaN') || json.includes('Infinity')) {
    json = json.replace(/:(?:NaN|-?Infinity)\}/g, ':null}');
  }
  if (json.includes(':-0}')) json = json.replace(/:-0\}/g, ':0}');
  return json;
}
