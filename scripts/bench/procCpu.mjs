// CPU time of processes and of the machine, from Linux's /proc, in clock ticks (USER_HZ, 100 a
// second on Linux): the benchmarks share one machine with what they measure, so they report
// where its CPU went.
import fs from 'node:fs';

function statFields(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name is in parentheses and may itself hold spaces or parentheses.
  return {
    comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    fields: stat.slice(stat.lastIndexOf(') ') + 2).split(' '),
  };
}

/** utime + stime of one process; undefined once it has gone. */
export function ticksOf(pid) {
  try {
    const { fields } = statFields(pid);
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** utime + stime of all processes with this command name (e.g. every `postgres` process). */
export function ticksOfProcessesNamed(name) {
  let sum = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const { comm, fields } = statFields(pid);
      if (comm === name) sum += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return sum;
}

/** Idle and total ticks of the whole machine, all cores (the first line of /proc/stat). */
export function machineTicks() {
  const ticks = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { idle: ticks[3] + ticks[4], total: ticks.reduce((a, b) => a + b, 0) };
}
