// CPU time and memory of a process (and of the children it keeps running) from /proc.
import { readdirSync, readFileSync } from 'node:fs'

/** Linux USER_HZ, the unit of /proc/PID/stat times. */
export const CLK_TCK = 100

/** The fields of /proc/PID/stat after the command name: state is [0], ppid [1], utime [11], stime [12]. */
function statFields(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  } catch {
    return undefined // it exited
  }
}

/** utime + stime of one process, in clock ticks. */
export const cpuTicks = (pid: number): number => {
  const f = statFields(pid)
  return f ? Number(f[11]) + Number(f[12]) : 0
}

/** stime alone (in the kernel: system calls, and the packets they carry), in clock ticks. */
export const systemTicks = (pid: number): number => Number(statFields(pid)?.[12] ?? 0)

/** utime + stime of a process and every live descendant (faild's `ip` helpers), in clock ticks. */
export function treeTicks(pid: number): number {
  const parent = new Map<number, number>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    const f = statFields(Number(d))
    if (f) parent.set(Number(d), Number(f[1]))
  }
  const inTree = (p: number): boolean => {
    for (let x: number | undefined = p, hops = 0; x !== undefined && x > 1 && hops < 64; x = parent.get(x), hops++)
      if (x === pid) return true
    return false
  }
  let sum = 0
  for (const p of parent.keys()) if (inTree(p)) sum += cpuTicks(p)
  return sum
}

/** A "Field:   N kB" line of a /proc file's text, in kB (NaN: no such line). */
const kb = (text: string, field: string): number =>
  Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN)

export const rssMb = (pid: number): number => kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') / 1024

/**
 * What only this process holds, in MB: smaps_rollup's private pages. RSS counts besides the clean
 * pages it shares with every other process, for a Node program about 39 MB of node's executable.
 */
export function privateMb(pid: number): number {
  try {
    const roll = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
    return (kb(roll, 'Private_Clean') + kb(roll, 'Private_Dirty')) / 1024
  } catch {
    return NaN // it exited
  }
}
