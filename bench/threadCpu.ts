import * as fs from 'node:fs';

/**
 * CPU ms per OS thread (Linux /proc), main thread apart: with the app in a worker thread, the busier of the two
 * event loops is what limits throughput, which the process total cannot show. Node names every thread "node",
 * so the worker is told apart by being the busiest thread that is not the main one.
 */
export function threadCpuMs(): { main: number; others: Record<string, number> } {
  const result = { main: 0, others: {} as Record<string, number> };
  try {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      if (Number(tid) === process.pid) result.main = ms;
      else result.others[tid] = ms;
    }
  } catch {
    // Not Linux: the process total stands for the main thread.
    const used = process.cpuUsage();
    result.main = (used.user + used.system) / 1000;
  }
  return result;
}
