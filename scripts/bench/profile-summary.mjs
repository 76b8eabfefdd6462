// Summarises a V8 CPU profile (.cpuprofile, as `node --cpu-prof` writes it; BENCH_CPU_PROFILE=1
// of scripts/bench/run.sh) by where the time is spent: self time per package (node_modules/<name>),
// per workspace package, Node's own internals, GC and idle; then the hottest functions.
//
// Usage: node profile-summary.mjs FILE.cpuprofile [--top N] [--from S --to S]
//   --from/--to: only samples in that window, in seconds from the profile's start (e.g. one scenario).
import fs from 'node:fs';

const args = process.argv.slice(2);
const file = args.find(a => !a.startsWith('--') && !/^\d+(\.\d+)?$/.test(a));
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
if (!file) {
  console.error(
    'usage: node profile-summary.mjs FILE.cpuprofile [--top N] [--from S --to S]',
  );
  process.exit(2);
}
const top = option('--top', 25);
const fromUs = option('--from', 0) * 1e6;
const toUs = option('--to', Infinity) * 1e6;

const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map(n => [n.id, n]));

/** Where a frame's code lives, as a short label. */
function placeOf(frame) {
  const { url, functionName } = frame;
  if (!url) {
    if (/^\((garbage collector|idle|program)\)$/.test(functionName))
      return functionName;
    return '(native)';
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const workspace = url.match(/\/(plugins|packages)\/([^/]+)\//);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  return url.replace(/^file:\/\//, '');
}

// Self time per node, from the samples and the time between them.
const selfUs = new Map();
let t = profile.startTime;
let total = 0;
profile.samples.forEach((id, i) => {
  t += profile.timeDeltas[i] ?? 0;
  const offset = t - profile.startTime;
  if (offset < fromUs || offset > toUs) return;
  const delta = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  total += delta;
});

const byPlace = new Map();
const byFunction = new Map();
for (const [id, us] of selfUs) {
  const frame = byId.get(id).callFrame;
  const place = placeOf(frame);
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  const fn = `${frame.functionName || '(anonymous)'}  ${place}:${
    frame.lineNumber + 1
  }`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
}

const idle = byPlace.get('(idle)') ?? 0;
const busy = total - idle;
const pct = (us, of) => `${((100 * us) / of).toFixed(1).padStart(5)} %`;
console.log(
  `window ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(
    1,
  )} s (${pct(busy, total).trim()} of the window)`,
);
console.log('\nself time by place (share of busy time):');
for (const [place, us] of [...byPlace]
  .filter(([p]) => p !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) {
  console.log(`  ${pct(us, busy)}  ${place}`);
}
console.log('\nhottest functions (self, share of busy time):');
for (const [fn, us] of [...byFunction]
  .filter(([f]) => !f.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) {
  console.log(`  ${pct(us, busy)}  ${fn}`);
}
