// The `flowchat-relay` CLI with `--storage redis`: two processes on one (private) Redis share one log.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPrivateRedis, type PrivateRedis } from '../apps/relay/src/storage/redis-test-support.js'
import { openStream, postWebhook, until, webhookBody, type StreamRecorder } from './relay-cluster-support.js'

const bin = join(import.meta.dirname, '..', 'apps', 'relay', 'bin', 'flowchat-relay.js')
const secret = () => randomBytes(24).toString('base64url')

describe('flowchat-relay --storage redis', { timeout: 60_000 }, () => {
  let redis: PrivateRedis
  const children: ChildProcess[] = []
  const streams: StreamRecorder[] = []
  // Secrets go through the environment, as in production; fresh ones per run.
  const env = {
    ...process.env,
    FLOWCHAT_API_KEY: secret(),
    FLOWCHAT_WEBHOOK_SECRET: secret(),
    FLOWCHAT_TOKEN_SECRET: secret(),
  }

  beforeAll(async () => {
    redis = await startPrivateRedis()
  })
  afterAll(async () => {
    for (const stream of streams) stream.close()
    // The bin runs the CLI in a child of its own: end the whole process group.
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
    }
    await redis?.stop()
  })

  /** Starts the CLI; resolves its URL once it listens, and its JSON log lines (stdout) until then. */
  function startCli(): { child: ChildProcess; listening: Promise<string>; stdout: () => string } {
    const child = spawn(
      process.execPath,
      [
        bin,
        ...['--storage', 'redis', '--redis-url', redis.url, '--port', '0', '--log-level', 'info'],
        ...['--flow-base-url', 'http://127.0.0.1:9/'],
      ],
      { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    children.push(child)
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        // Complete lines only: a chunk may end inside one.
        const url = stdout
          .split('\n')
          .slice(0, -1)
          .map((line) => (line.startsWith('{') ? (JSON.parse(line) as { msg?: string; url?: string }) : {}))
          .find((entry) => entry.msg?.includes('listening on'))?.url
        if (url) resolve(url)
      })
      child.once('exit', (code) => reject(new Error(`flowchat-relay exited (code ${code}): ${stderr}`)))
    })
    return { child, listening, stdout: () => stdout }
  }

  function token(threadId: string): string {
    const result = spawnSync(process.execPath, [bin, 'token', '--thread', threadId], {
      env,
      encoding: 'utf8',
    })
    if (result.status !== 0) throw new Error(`flowchat-relay token failed: ${result.stderr}`)
    return result.stdout.trim()
  }

  it('waits for Redis before serving, then streams what either instance stores', async () => {
    await redis.stop()
    const first = startCli()
    await until(() => first.stdout().includes('waiting for Redis'), 'the CLI to wait for Redis', 30_000)
    await redis.start()
    const [a, b] = await Promise.all([first.listening, startCli().listening])
    for (const url of [a, b]) expect((await fetch(new URL('/readyz', url))).status).toBe(200)

    const threadId = `cli|${randomBytes(4).toString('hex')}`
    const stream = openStream(b, `/v1/threads/${encodeURIComponent(threadId)}/events`, token(threadId))
    streams.push(stream)
    await until(() => stream.opens === 1, 'the stream on B')
    for (const text of ['one', 'two', 'three']) {
      expect((await postWebhook(a, env.FLOWCHAT_WEBHOOK_SECRET, webhookBody(threadId, text))).status).toBe(
        200,
      )
    }
    await until(() => stream.events.length === 3, 'the events on B')
    expect(stream.events.map((e) => e.text)).toEqual(['one', 'two', 'three'])
  })
})
