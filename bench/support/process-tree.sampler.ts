import { readdirSync, readFileSync } from 'node:fs';

/** bytes per page of /proc/<pid>/statm (4 KiB on x86-64 and arm64 Linux) */
const PAGE_BYTES = 4096;
/** clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux) */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessTreeSample {
  /** highest sum of the resident set sizes of the tree seen in one sample, bytes */
  peakRssBytes: number;
  /** most processes seen in the tree at once */
  peakProcesses: number;
  /**
   * CPU time (user + system) the tree used while sampled, milliseconds: the last reading of each process
   * minus its reading at the first sample (0 for processes born later). The last interval of a process
   * that exits is missed.
   */
  cpuMs: number;
  samples: number;
}

export interface ProcessTreeSampler {
  /** Takes a last sample and stops. */
  stop(): ProcessTreeSample;
}

interface ProcessStat {
  /** user + system CPU time, milliseconds */
  cpuMs: number;
}

/** CPU time from /proc/<pid>/stat; undefined if the process is gone. */
function readStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields after the last ')' are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
}

function readRssBytes(pid: number): number {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? pages * PAGE_BYTES : 0;
  } catch {
    return 0;
  }
}

/** Children of a process, from the `children` file of each of its threads (Linux 3.5+). */
function childrenOf(pid: number): number[] {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const thread of threads) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim();
      if (text !== '') children.push(...text.split(' ').map(Number));
    } catch {
      // The thread ended between the two reads.
    }
  }
  return children;
}

/** The pid and every descendant of it alive now (Linux /proc). */
export function processTree(root: number): number[] {
  const tree: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    tree.push(pid);
    pending.push(...childrenOf(pid));
  }
  return tree;
}

/** CPU time (user + system) a process has used so far, milliseconds; 0 if it is gone. */
export function processCpuMilliseconds(pid: number): number {
  return readStat(pid)?.cpuMs ?? 0;
}

/**
 * Samples the summed resident set size of a process and all its descendants (mapproxy-seed forks one
 * worker per unit of concurrency) every `intervalMs` milliseconds, keeping the peak. A child that lives
 * shorter than the interval can be missed; at 100 ms that is well below a seeding run's lifetime.
 * `descendants: false` samples the process alone (the bench process, whose children are other contenders).
 */
export function sampleProcessTree(
  root: number,
  options: { intervalMs?: number; descendants?: boolean } = {},
): ProcessTreeSampler {
  const intervalMs = options.intervalMs ?? 100;
  const members = (): number[] => (options.descendants === false ? [root] : processTree(root));
  const result: ProcessTreeSample = { peakRssBytes: 0, peakProcesses: 0, cpuMs: 0, samples: 0 };
  const cpu = new Map<number, { first: number; last: number }>();
  const sample = (): void => {
    const tree = members();
    const rss = tree.reduce((sum, pid) => sum + readRssBytes(pid), 0);
    for (const pid of tree) {
      const cpuMs = readStat(pid)?.cpuMs;
      if (cpuMs === undefined) continue;
      const seen = cpu.get(pid);
      if (seen === undefined) cpu.set(pid, { first: result.samples === 0 ? cpuMs : 0, last: cpuMs });
      else seen.last = cpuMs;
    }
    result.samples += 1;
    result.peakRssBytes = Math.max(result.peakRssBytes, rss);
    result.peakProcesses = Math.max(result.peakProcesses, tree.length);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      let cpuMs = 0;
      for (const reading of cpu.values()) cpuMs += reading.last - reading.first;
      return { ...result, cpuMs };
    },
  };
}

/** Busy and total CPU time of the whole machine so far (all cores), from /proc/stat, milliseconds. */
export function machineCpuMilliseconds(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  const toMs = (ticks: number): number => (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  return { busy: toMs(busy), total: toMs(busy + idle + iowait) };
}
