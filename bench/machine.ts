// Describes the machine a benchmark ran on, for bench/RESULTS.md.
import { cpus, totalmem } from 'node:os';

export function machineLine(): string {
  const cpu = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${gib} GiB, Node ${process.version}, ${process.platform}`;
}

export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
