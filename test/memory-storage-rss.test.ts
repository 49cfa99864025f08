// Issue 14, fault 3: memory storage is bounded in bytes. Three sessions send ~1 MB params 60 times in a child
// process (its own heap, so other suites' memory does not count); the storage's own byte count stays under
// maxBytes, and the process's heap and RSS grow by at most maxBytes plus a documented overhead.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const MiB = 1024 * 1024

interface LoadResult {
  peakBytes: number
  events: number
  heapGrowth: number
  rssGrowth: number
}

function runLoad(maxBytes: number, events: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--conditions=@flowchat/source',
        '--import',
        'tsx',
        join(import.meta.dirname, 'support', 'memory-storage-load.ts'),
        String(maxBytes),
        String(events),
      ],
      { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the load process failed (code ${code}): ${err}`))
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult)
    })
  })
}

describe('memory storage under ~1 MB events from three sessions', { timeout: 120_000 }, () => {
  it('holds at most maxBytes of events; heap and RSS grow by at most maxBytes plus the overhead', async () => {
    const maxBytes = 16 * MiB
    // 60 MB offered: without the byte bound, all of it would stay (count retention allows 1000 per thread).
    const result = await runLoad(maxBytes, 60)
    expect(result.peakBytes).toBeLessThanOrEqual(maxBytes)
    // Each ~1 MB event counts once, though it sits in its thread's stream and the operators' stream.
    expect(result.events).toBe(2 * Math.floor(maxBytes / 1_000_200))
    // The documented overhead (apps/relay/README.md): 16 MiB of heap, 48 MiB of RSS (allocator slack, code).
    expect(result.heapGrowth).toBeLessThan(maxBytes + 16 * MiB)
    expect(result.rssGrowth).toBeLessThan(maxBytes + 48 * MiB)
  })
})
