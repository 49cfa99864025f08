import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}
interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

export interface HotFunction {
  name: string
  /** file:line, relative to the repository where possible. */
  where: string
  selfMs: number
  percent: number
}

/**
 * The functions a V8 CPU profile (`--cpu-prof`, or Chromium's `Profiler.stop`) spent most self time in:
 * where to look first when a target is missed.
 *
 * @example
 * hottest(JSON.parse(readFileSync('relay.cpuprofile', 'utf8')), 10)
 */
export function hottest(profile: CpuProfile, top = 15): HotFunction[] {
  const byNode = new Map<number, number>()
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const total = profile.endTime - profile.startTime
  const byFunction = new Map<string, HotFunction>()
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0
    const { functionName, url, lineNumber } = node.callFrame
    const where = `${url.replace(/^file:\/\//, '').replace(/^.*?\/(apps|packages|node_modules|test)\//, '$1/')}:${lineNumber + 1}`
    const key = `${functionName}@${where}`
    const entry = byFunction.get(key) ?? { name: functionName || '(anonymous)', where, selfMs: 0, percent: 0 }
    entry.selfMs += us / 1000
    byFunction.set(key, entry)
  }
  return [...byFunction.values()]
    .map((f) => ({ ...f, percent: (f.selfMs * 1000 * 100) / total }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top)
}

/** `hottest` of a profile file. */
export function hottestInFile(file: string, top = 15): HotFunction[] {
  return hottest(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top)
}
